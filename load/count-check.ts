import { setTimeout as sleep } from 'node:timers/promises';

/**
 * After a load run: every order that got a 202 must be in the read model exactly once, and final
 * once the saga deadline has passed. The scenarios print "accepted <orderId>" for each 202 (k6
 * --console-output); the read model is read through the query API's customer order list, each
 * scenario placing its orders as one customer.
 */
export interface CountResult {
  accepted: number;
  inReadModel: number;
  /** Accepted but never listed in the read model. */
  lost: string[];
  /**
   * Accepted and listed, but not final (CONFIRMED, REJECTED or CANCELLED): checkCounts compares
   * only once the saga deadline and a margin have passed since the scenario ended, so by then the
   * saga should have decided every order, if only by rejecting it at its deadline.
   */
  stuck: string[];
  /** Accepted more than once, or listed more than once. */
  duplicated: string[];
  /** In the read model but never seen accepted (the 202 did not reach the load generator). */
  unexpected: string[];
}

export interface ListedOrder {
  orderId: string;
  status: string;
}

const finalStatuses = new Set(['CONFIRMED', 'REJECTED', 'CANCELLED']);

const acceptedLine = /accepted ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/g;

/** The order ids of "accepted <orderId>" lines, in the order they appear, repeats kept. */
export const acceptedIds = (consoleOutput: string): string[] => [...consoleOutput.matchAll(acceptedLine)].map((match) => match[1] as string);

const repeated = (ids: readonly string[]): string[] => {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const id of ids) (seen.has(id) ? twice : seen).add(id);
  return [...twice];
};

export const compareCounts = (accepted: readonly string[], listed: readonly ListedOrder[]): CountResult => {
  const acceptedSet = new Set(accepted);
  const listedIds = listed.map((order) => order.orderId);
  const listedSet = new Set(listedIds);
  const open = new Set(listed.filter((order) => !finalStatuses.has(order.status)).map((order) => order.orderId));
  return {
    accepted: accepted.length,
    inReadModel: listed.length,
    lost: [...acceptedSet].filter((id) => !listedSet.has(id)),
    stuck: [...acceptedSet].filter((id) => open.has(id)),
    duplicated: [...new Set([...repeated(accepted), ...repeated(listedIds)])],
    unexpected: [...listedSet].filter((id) => !acceptedSet.has(id)),
  };
};

export const countsHold = (result: CountResult): boolean => result.lost.length === 0 && result.stuck.length === 0 && result.duplicated.length === 0;

export const formatCounts = (name: string, result: CountResult): string => {
  const head = `${name}: accepted ${result.accepted}, in read model ${result.inReadModel}, lost: ${result.lost.length}, stuck: ${result.stuck.length}, duplicated: ${result.duplicated.length}`;
  const examples = [
    result.lost.length > 0 ? `lost e.g. ${result.lost.slice(0, 3).join(', ')}` : '',
    result.stuck.length > 0 ? `stuck e.g. ${result.stuck.slice(0, 3).join(', ')}` : '',
    result.duplicated.length > 0 ? `duplicated e.g. ${result.duplicated.slice(0, 3).join(', ')}` : '',
    result.unexpected.length > 0 ? `${result.unexpected.length} in the read model without a 202 seen` : '',
  ].filter(Boolean);
  return examples.length > 0 ? `${head} (${examples.join('; ')})` : head;
};

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

export interface CountWait {
  /** The saga deadline of the orders-service behind the targets (ORDER_DEADLINE_MS). */
  deadlineMs: number;
  /** Beyond the deadline, for the outcome to reach the read model. */
  marginMs?: number;
  /** When the scenario placed its last order; no order was accepted later. */
  endedAt?: number;
  intervalMs?: number;
}

/**
 * Lists the customer's orders until every accepted one is listed and final, or until the saga
 * deadline and the margin have passed since the scenario ended; then compares. Whatever is not
 * listed by then is lost, whatever is listed but not final is stuck.
 */
export const checkCounts = async (
  queryApiUrl: string,
  customerId: string,
  accepted: readonly string[],
  { deadlineMs, marginMs = 10_000, endedAt = Date.now(), intervalMs = 500 }: CountWait,
): Promise<CountResult> => {
  const until = endedAt + deadlineMs + marginMs;
  const wanted = new Set(accepted);
  const done = (listed: readonly ListedOrder[]): boolean =>
    new Set(listed.filter((order) => wanted.has(order.orderId) && finalStatuses.has(order.status)).map((order) => order.orderId)).size >= wanted.size;
  let listed = await listCustomerOrders(queryApiUrl, customerId);
  while (!done(listed) && Date.now() < until) {
    await sleep(intervalMs);
    listed = await listCustomerOrders(queryApiUrl, customerId);
  }
  return compareCounts(accepted, listed);
};
