import { setTimeout as sleep } from 'node:timers/promises';

/**
 * After a load run: every order that got a 202 must be in the read model exactly once. The
 * scenarios print "accepted <orderId>" for each 202 (k6 --console-output); the read model is read
 * through the query API's customer order list, each scenario placing its orders as one customer.
 */
export interface CountResult {
  accepted: number;
  inReadModel: number;
  /** Accepted but not in the read model. */
  lost: string[];
  /** Accepted more than once, or listed more than once. */
  duplicated: string[];
  /** In the read model but never seen accepted (the 202 did not reach the load generator). */
  unexpected: string[];
}

const acceptedLine = /accepted ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/g;

/** The order ids of "accepted <orderId>" lines, in the order they appear, repeats kept. */
export const acceptedIds = (consoleOutput: string): string[] => [...consoleOutput.matchAll(acceptedLine)].map((match) => match[1] as string);

const repeated = (ids: readonly string[]): string[] => {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const id of ids) (seen.has(id) ? twice : seen).add(id);
  return [...twice];
};

export const compareCounts = (accepted: readonly string[], listed: readonly string[]): CountResult => {
  const acceptedSet = new Set(accepted);
  const listedSet = new Set(listed);
  return {
    accepted: accepted.length,
    inReadModel: listed.length,
    lost: [...acceptedSet].filter((id) => !listedSet.has(id)),
    duplicated: [...new Set([...repeated(accepted), ...repeated(listed)])],
    unexpected: [...listedSet].filter((id) => !acceptedSet.has(id)),
  };
};

export const countsHold = (result: CountResult): boolean => result.lost.length === 0 && result.duplicated.length === 0;

export const formatCounts = (name: string, result: CountResult): string => {
  const head = `${name}: accepted ${result.accepted}, in read model ${result.inReadModel}, lost: ${result.lost.length}, duplicated: ${result.duplicated.length}`;
  const examples = [
    result.lost.length > 0 ? `lost e.g. ${result.lost.slice(0, 3).join(', ')}` : '',
    result.duplicated.length > 0 ? `duplicated e.g. ${result.duplicated.slice(0, 3).join(', ')}` : '',
    result.unexpected.length > 0 ? `${result.unexpected.length} in the read model without a 202 seen` : '',
  ].filter(Boolean);
  return examples.length > 0 ? `${head} (${examples.join('; ')})` : head;
};

const finalStatuses = new Set(['CONFIRMED', 'REJECTED', 'CANCELLED']);

export interface ListedOrder {
  orderId: string;
  status: string;
}

/** Every order the query API lists for a customer, following the cursor page by page. */
export const listCustomerOrders = async (queryApiUrl: string, customerId: string): Promise<ListedOrder[]> => {
  const orders: ListedOrder[] = [];
  let cursor: string | null = null;
  do {
    const url = new URL(`/customers/${encodeURIComponent(customerId)}/orders`, queryApiUrl);
    url.searchParams.set('limit', '100');
    if (cursor) url.searchParams.set('cursor', cursor);
    const res = await fetch(url);
    if (!res.ok) throw new Error(`GET ${url.pathname} answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as { orders: ListedOrder[]; nextCursor: string | null };
    orders.push(...page.orders.map(({ orderId, status }) => ({ orderId, status })));
    cursor = page.nextCursor;
  } while (cursor);
  return orders;
};

/**
 * Waits while the projector still moves (orders appearing in the list) until every accepted order
 * is listed, or nothing changed for `settleMs`; then compares. Orders need only be listed, not
 * final: the count is about the read model holding each accepted order once.
 */
export const checkCounts = async (
  queryApiUrl: string,
  customerId: string,
  accepted: readonly string[],
  { settleMs = 30_000, intervalMs = 500 } = {},
): Promise<CountResult & { inFlight: number }> => {
  const wanted = new Set(accepted).size;
  let listed = await listCustomerOrders(queryApiUrl, customerId);
  let lastChange = Date.now();
  while (new Set(listed.map((order) => order.orderId)).size < wanted && Date.now() - lastChange < settleMs) {
    await sleep(intervalMs);
    const next = await listCustomerOrders(queryApiUrl, customerId);
    if (next.length !== listed.length) lastChange = Date.now();
    listed = next;
  }
  const result = compareCounts(accepted, listed.map((order) => order.orderId));
  return { ...result, inFlight: listed.filter((order) => !finalStatuses.has(order.status)).length };
};
