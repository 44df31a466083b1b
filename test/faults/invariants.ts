import { setTimeout as sleep } from 'node:timers/promises';
import { runTributary } from '../support.ts';
import { flowApps, type Flow } from './flow.ts';
import type { Catalogue, LoadOutcome, OrderLine } from './load.ts';

const finalStatuses = ['CONFIRMED', 'REJECTED', 'CANCELLED'];

interface OrderView {
  orderId: string;
  status: string;
  customerId: string | null;
  items: { sku: string; quantity: number }[];
  timeline: { step: string }[];
}

interface CustomerSummary {
  orderCount: number;
  byStatus: Partial<Record<string, { count: number }>>;
}

export interface Verdict {
  /** Accepted orders seen in a final state. */
  final: number;
  /** Accepted orders that never reached a final state. */
  lost: string[];
  /** Orders with a step applied twice, listed twice for their customer, or charged twice. */
  duplicated: string[];
  /** From the end of the fault until every accepted order was final. */
  recoveredInMs: number;
  /** Every other broken promise, in words. */
  violations: string[];
  /** Seconds each check waited, to tell slow recovery from slow checking. */
  phases: Record<string, number>;
}

export interface Expectations {
  catalogue: Catalogue;
  stockBefore: ReadonlyMap<string, number>;
  faultEndedAt: number;
  /** How long the flow gets to finish every accepted order once the fault is over. */
  settleTimeoutMs?: number;
}

const getJson = async <T>(url: string): Promise<{ status: number; body: T | undefined }> => {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: res.status === 200 ? ((await res.json()) as T) : undefined };
};

/** Runs `work` over the items, a few at a time, so checking hundreds of orders does not flood the API. */
const mapLimit = async <T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

const readView = async (flow: Flow, orderId: string): Promise<OrderView | undefined> =>
  (await getJson<OrderView>(`${flow.url('query-api')}/orders/${encodeURIComponent(orderId)}`).catch(() => ({ body: undefined }))).body;

/** Every order view of a customer, page after page. */
const customerOrders = async (flow: Flow, customerId: string): Promise<OrderView[]> => {
  const views: OrderView[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const { status, body } = await getJson<{ orders: OrderView[]; nextCursor: string | null }>(`${flow.url('query-api')}/customers/${encodeURIComponent(customerId)}/orders?limit=100${query}`);
    if (!body) throw new Error(`the orders of ${customerId} answered ${status}`);
    views.push(...body.orders);
    cursor = body.nextCursor;
  } while (cursor !== null);
  return views;
};

/** Polls until `check` returns nothing left to wait for, or the time is up; returns what is left. */
const settle = async <T>(timeoutMs: number, check: () => Promise<T[]>): Promise<T[]> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await check().catch((error: unknown) => [error as T]);
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(500);
  }
};

/** Waits until every one of the orders is final in the read model; throws naming those that are not. */
export const settleOrders = async (flow: Flow, orderIds: readonly string[], timeoutMs: number): Promise<void> => {
  const left = await settle(timeoutMs, async () => {
    const views = await mapLimit(orderIds, 16, (orderId) => readView(flow, orderId));
    return orderIds.filter((_, index) => !finalStatuses.includes(views[index]?.status ?? ''));
  });
  if (left.length > 0) throw new Error(`the flow did not finish ${left.length} orders before the fault: ${left.slice(0, 5).map(String).join(', ')}`);
};

const repeatedSteps = (view: OrderView): string[] => {
  const seen = new Set<string>();
  return view.timeline.map((entry) => entry.step).filter((step) => (seen.has(step) ? true : (seen.add(step), false)));
};

/**
 * Waits for the flow to settle after a fault, then checks what the platform promises: every order
 * accepted with 202 is final exactly once, customers' summaries list their orders once, stock and
 * charges agree with the confirmed orders, every consumer group has caught up, every service is ready.
 */
export const checkInvariants = async (flow: Flow, load: LoadOutcome, expected: Expectations): Promise<Verdict> => {
  const settleTimeoutMs = expected.settleTimeoutMs ?? 120_000;
  const violations: string[] = [];
  const phases: Record<string, number> = {};
  let phaseStart = Date.now();
  const phase = (name: string): void => {
    phases[name] = (Date.now() - phaseStart) / 1000;
    phaseStart = Date.now();
  };
  const duplicated = new Set<string>();
  const views = new Map<string, OrderView>();

  const pending = await settle(settleTimeoutMs, async () => {
    const waiting = load.accepted.filter((order) => !views.has(order.orderId));
    const seen = await mapLimit(waiting, 16, (order) => readView(flow, order.orderId));
    seen.forEach((view, index) => {
      if (view && finalStatuses.includes(view.status)) views.set((waiting[index] as { orderId: string }).orderId, view);
    });
    return load.accepted.filter((order) => !views.has(order.orderId));
  });
  const recoveredInMs = Math.max(0, Date.now() - expected.faultEndedAt);
  phase('final');
  const lost = pending.map((order) => (typeof order === 'object' && order && 'orderId' in order ? order.orderId : String(order)));
  // With orders lost the verdict is already failed: the other checks get a short look, not a long wait.
  const patience = (ms: number): number => (lost.length > 0 ? Math.min(ms, 3_000) : ms);

  for (const view of views.values()) if (repeatedSteps(view).length > 0) duplicated.add(view.orderId);

  // Each customer's orders and summary count each of its accepted orders once; orders beyond those
  // can only come from requests whose answer was lost (a 5xx or a cut connection after the write).
  const ghosts: string[] = [];
  const byCustomer = new Map<string, string[]>();
  for (const order of load.accepted) byCustomer.set(order.customerId, [...(byCustomer.get(order.customerId) ?? []), order.orderId]);
  const summaryProblems = await settle(patience(30_000), async () => {
    const problems: string[] = [];
    ghosts.length = 0;
    for (const [customerId, orderIds] of byCustomer) {
      const listed = await customerOrders(flow, customerId);
      for (const orderId of orderIds) {
        const times = listed.filter((view) => view.orderId === orderId).length;
        if (times !== 1) problems.push(`${customerId}: order ${orderId} listed ${times} times`);
      }
      const extra = listed.filter((view) => !orderIds.includes(view.orderId));
      ghosts.push(...extra.map((view) => view.orderId));
      const { body: summary } = await getJson<CustomerSummary>(`${flow.url('query-api')}/customers/${encodeURIComponent(customerId)}`);
      if (!summary) {
        problems.push(`${customerId}: no summary`);
        continue;
      }
      if (summary.orderCount !== listed.length) problems.push(`${customerId}: summary counts ${summary.orderCount} orders, ${listed.length} listed`);
      for (const status of new Set([...Object.keys(summary.byStatus), ...listed.map((view) => view.status)])) {
        const counted = summary.byStatus[status]?.count ?? 0;
        const seen = listed.filter((view) => view.status === status).length;
        if (counted !== seen) problems.push(`${customerId}: summary counts ${counted} ${status} orders, ${seen} listed`);
      }
    }
    return problems;
  });
  violations.push(...summaryProblems.map(String));
  for (const problem of summaryProblems) {
    const match = /order (\S+) listed (\d+) times/.exec(String(problem));
    if (match && Number(match[2]) > 1) duplicated.add(match[1] as string);
  }
  if (ghosts.length > load.ambiguous) violations.push(`${ghosts.length} orders in the read model that no client was told about, but only ${load.ambiguous} unclear answers`);
  phase('customers');

  // Orders written despite an unclear answer take stock and get charged like any other.
  for (const orderId of ghosts) {
    const view = await readView(flow, orderId);
    if (view) views.set(orderId, view);
  }
  const confirmed = [...views.values()].filter((view) => view.status === 'CONFIRMED');

  const skus = [...expected.catalogue.plentiful, expected.catalogue.scarce];
  const takenBySku = new Map<string, number>();
  for (const view of confirmed) for (const line of view.items as OrderLine[]) takenBySku.set(line.sku, (takenBySku.get(line.sku) ?? 0) + line.quantity);
  const stockProblems = await settle(patience(30_000), async () => {
    const problems: string[] = [];
    for (const sku of skus) {
      const { body } = await getJson<{ available: number }>(`${flow.url('inventory-service')}/stock/${encodeURIComponent(sku)}`);
      const want = (expected.stockBefore.get(sku) ?? 0) - (takenBySku.get(sku) ?? 0);
      if (body?.available !== want) problems.push(`stock of ${sku} is ${body?.available} but confirmed orders leave ${want}`);
    }
    return problems;
  });
  violations.push(...stockProblems.map(String));
  phase('stock');

  const { body: charges } = await getJson<{ keys: Record<string, number> }>(`${flow.gatewayUrl}/admin/charges`);
  const keys = charges?.keys ?? {};
  for (const view of confirmed) if (keys[view.orderId] !== 1) violations.push(`confirmed order ${view.orderId} charged ${keys[view.orderId] ?? 0} times`);
  for (const [key, times] of Object.entries(keys)) {
    if (times > 1) {
      duplicated.add(key);
      violations.push(`key ${key} charged ${times} times`);
    }
  }

  const lagging = await settle(patience(60_000), async () => {
    const left: string[] = [];
    for (const group of flow.groups) {
      const { code, out, err } = await runTributary('lag', '--json', '--group', group);
      if (code !== 0) {
        left.push(`tributary lag --group ${group} failed: ${err.join(' ')}`);
        continue;
      }
      for (const entry of JSON.parse(out.join('\n')) as { groupId: string; totalLag: number }[]) if (entry.totalLag > 0) left.push(`${entry.groupId} lags by ${entry.totalLag}`);
    }
    return left;
  });
  violations.push(...lagging.map(String));
  phase('lag');

  const unready = await settle(patience(30_000), async () => {
    const answers = await Promise.all(flowApps.map(async (app) => ({ app, status: (await fetch(`${flow.url(app)}/readyz`).catch(() => undefined))?.status })));
    return answers.filter((answer) => answer.status !== 200).map((answer) => `${answer.app} /readyz answers ${answer.status ?? 'nothing'}`);
  });
  violations.push(...unready.map(String));
  phase('readiness');

  return { final: load.accepted.length - lost.length, lost, duplicated: [...duplicated], recoveredInMs, violations, phases };
};
