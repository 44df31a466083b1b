import type { Projection } from '@tributary/store';
import type { OrderEvent } from './events.ts';
import { packLedger, summaryStatuses, unpackLedger, type CustomerOrder, type SummaryStatus } from './customer-ledger.ts';
import { fromScaled, orderTotal, toScaled } from './money.ts';

export { summaryStatuses, type CustomerOrder, type SummaryStatus } from './customer-ledger.ts';

export const customerSummariesCollection = 'customer_summaries';

const customerEventTypes = ['OrderPlaced', 'OrderConfirmed', 'OrderRejected', 'OrderCancelled'] as const;

/** The orders-stream events that name their customer. */
export type CustomerEvent = Extract<OrderEvent, { eventType: (typeof customerEventTypes)[number] }>;

export const isCustomerEvent = (event: OrderEvent): event is CustomerEvent => (customerEventTypes as readonly string[]).includes(event.eventType);

export interface StatusTotals {
  count: number;
  /** Sums by currency code, exact decimal text. */
  totals: Record<string, string>;
}

export interface CustomerSummary {
  customerId: string;
  orderCount: number;
  /** Only statuses with at least one order appear. */
  byStatus: Partial<Record<SummaryStatus, StatusTotals>>;
  /** Time of the latest fact seen. */
  updatedAt: string;
  /**
   * One entry per order, sorted by order id, packed into one text (customer-ledger.ts). It grows
   * with the customer's order count (about 70 bytes an order: MongoDB's 16 MB document limit is
   * reached near 230,000 orders).
   */
  ledger: string;
  /** The same entries as an array, in summaries stored before the ledger was packed; the next write packs them. */
  orders?: CustomerOrder[];
}

/** A summary's per-order entries, from whichever shape it was stored in. */
export const ordersOf = (summary: CustomerSummary | null): CustomerOrder[] => {
  if (!summary) return [];
  return typeof summary.ledger === 'string' ? unpackLedger(summary.customerId, summary.ledger) : (summary.orders ?? []);
};

const rank = (status: SummaryStatus): number => summaryStatuses.indexOf(status);

const higher = (a: SummaryStatus, b: SummaryStatus): SummaryStatus => (rank(a) >= rank(b) ? a : b);

const factOf = (event: CustomerEvent): { status: SummaryStatus; at: Date } => {
  switch (event.eventType) {
    case 'OrderPlaced':
      return { status: 'PLACED', at: event.payload.placedAt };
    case 'OrderConfirmed':
      return { status: 'CONFIRMED', at: event.payload.confirmedAt };
    case 'OrderRejected':
      return { status: 'REJECTED', at: event.payload.rejectedAt };
    case 'OrderCancelled':
      return { status: 'CANCELLED', at: event.payload.cancelledAt };
  }
};

/**
 * The amount charged (OrderConfirmed) wins over the amount ordered (OrderPlaced), whichever
 * arrived first: OrderPlaced fills the amount only while none is known.
 */
const withAmount = (order: CustomerOrder, event: CustomerEvent): CustomerOrder => {
  if (event.eventType === 'OrderConfirmed') return { ...order, total: fromScaled(toScaled(event.payload.total)), currency: event.payload.currency };
  if (event.eventType === 'OrderPlaced' && order.total === null) return { ...order, total: fromScaled(orderTotal(event.payload)), currency: event.payload.currency };
  return order;
};

const evolveOrder = (order: CustomerOrder | undefined, event: CustomerEvent, status: SummaryStatus): CustomerOrder =>
  withAmount(order ? { ...order, status: higher(order.status, status) } : { orderId: event.payload.orderId, status, total: null, currency: null }, event);

/** Replaces or inserts one order's entry, keeping the list sorted by order id. */
const withOrder = (orders: readonly CustomerOrder[], orderId: string, change: (order: CustomerOrder | undefined) => CustomerOrder): CustomerOrder[] => {
  const at = orders.findIndex((order) => order.orderId >= orderId);
  if (at === -1) return [...orders, change(undefined)];
  const found = orders[at]?.orderId === orderId ? orders[at] : undefined;
  return [...orders.slice(0, at), change(found), ...orders.slice(found ? at + 1 : at)];
};

/** Counts and sums derived from the entries, so they always agree with them. */
const summarize = (orders: readonly CustomerOrder[]): Partial<Record<SummaryStatus, StatusTotals>> => {
  const byStatus: Partial<Record<SummaryStatus, { count: number; sums: Map<string, bigint> }>> = {};
  for (const order of orders) {
    const entry = (byStatus[order.status] ??= { count: 0, sums: new Map() });
    entry.count += 1;
    if (order.total !== null && order.currency !== null) entry.sums.set(order.currency, (entry.sums.get(order.currency) ?? 0n) + toScaled(order.total));
  }
  return Object.fromEntries(
    summaryStatuses.flatMap((status) => {
      const entry = byStatus[status];
      if (!entry) return [];
      const totals = Object.fromEntries([...entry.sums].sort(([a], [b]) => a.localeCompare(b)).map(([currency, sum]) => [currency, fromScaled(sum)]));
      return [[status, { count: entry.count, totals }]];
    }),
  );
};

/** The customer summary as a pure fold of orders-stream events: no I/O, tested without Kafka or a store. */
export const evolveCustomerSummary = (summary: CustomerSummary | null, event: OrderEvent): CustomerSummary | null => {
  if (!isCustomerEvent(event)) return summary;
  const { status, at } = factOf(event);
  const orders = withOrder(ordersOf(summary), event.payload.orderId, (order) => evolveOrder(order, event, status));
  const time = at.toISOString();
  return {
    customerId: event.payload.customerId,
    orderCount: orders.length,
    byStatus: summarize(orders),
    updatedAt: summary && summary.updatedAt > time ? summary.updatedAt : time,
    ledger: packLedger(orders),
  };
};

export const customerSummaryProjection: Projection<CustomerSummary, OrderEvent> = {
  documentId: (event) => (isCustomerEvent(event) ? event.payload.customerId : undefined),
  evolve: evolveCustomerSummary,
};
