import { setTimeout as sleep } from 'node:timers/promises';
import type { Flow } from './flow.ts';
import { isFinal, standingOf, type OrderView } from './outcomes.ts';

export const getJson = async <T>(url: string): Promise<{ status: number; body: T | undefined }> => {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: res.status === 200 ? ((await res.json()) as T) : undefined };
};

/** Runs `work` over the items, a few at a time, so checking hundreds of orders does not flood the API. */
export const mapLimit = async <T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

/** The order's view, or undefined while query-api does not show it (not projected yet, or not answering). */
export const readView = async (flow: Flow, orderId: string): Promise<OrderView | undefined> =>
  (await getJson<OrderView>(`${flow.url('query-api')}/orders/${encodeURIComponent(orderId)}`).catch(() => ({ body: undefined }))).body;

/** Every order view of a customer, page after page. */
export const customerOrders = async (flow: Flow, customerId: string): Promise<OrderView[]> => {
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
export const settle = async <T>(timeoutMs: number, check: () => Promise<T[]>): Promise<T[]> => {
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
    return orderIds.filter((_, index) => !isFinal(views[index]?.status));
  });
  if (left.length > 0) throw new Error(`the flow did not finish ${left.length} orders before the fault: ${left.slice(0, 5).map(String).join(', ')}`);
};

export interface Settled {
  /** The final view of every accepted order that became final. */
  finalViews: Map<string, OrderView>;
  /** Accepted orders never seen in the read model (see Standing in outcomes.ts). */
  lost: string[];
  /** Accepted orders seen, but not final when the time was up, with the status they were left in. */
  stuck: { orderId: string; status: string }[];
}

/**
 * Reads the accepted orders until every one is final or `until` (a time) has passed, rereading only
 * those not final yet. An order any read showed is not lost, even if query-api stops answering later.
 */
export const awaitFinal = async (flow: Flow, orderIds: readonly string[], until: number): Promise<Settled> => {
  const finalViews = new Map<string, OrderView>();
  const latest = new Map<string, OrderView>();
  await settle(until - Date.now(), async () => {
    const waiting = orderIds.filter((orderId) => !finalViews.has(orderId));
    const views = await mapLimit(waiting, 16, (orderId) => readView(flow, orderId));
    views.forEach((view, index) => {
      const orderId = waiting[index] as string;
      if (view) latest.set(orderId, view);
      if (view && isFinal(view.status)) finalViews.set(orderId, view);
    });
    return orderIds.filter((orderId) => !finalViews.has(orderId));
  });
  const open = orderIds.filter((orderId) => !finalViews.has(orderId)).map((orderId) => ({ orderId, view: latest.get(orderId) }));
  return {
    finalViews,
    lost: open.filter(({ view }) => standingOf(view) === 'lost').map(({ orderId }) => orderId),
    stuck: open.flatMap(({ orderId, view }) => (view && standingOf(view) === 'stuck' ? [{ orderId, status: view.status }] : [])),
  };
};
