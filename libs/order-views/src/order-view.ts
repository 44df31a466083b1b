import type { OrderChannel, ShortSku } from '@tributary/contracts';
import type { Projection } from '@tributary/store';
import type { OrderEvent, OrderPlaced } from './events.ts';
import { fromScaled, lineTotal, orderTotal } from './money.ts';

export const orderViewsCollection = 'order_views';

/**
 * Where an order stands. Derived from the facts seen, never from arrival order: topics are not
 * ordered against each other, so a payment outcome may arrive before the reservation it follows.
 */
export const orderStatuses = [
  'PENDING',
  'PLACED',
  'STOCK_RESERVED',
  'STOCK_REJECTED',
  'STOCK_FAILED',
  'PAYMENT_AUTHORIZED',
  'PAYMENT_DECLINED',
  'PAYMENT_FAILED',
  'CONFIRMED',
  'REJECTED',
  'CANCELLED',
] as const;

export type OrderStatus = (typeof orderStatuses)[number];

/** The statuses of an order that has its outcome: no later step of the saga changes them. */
export const finalOrderStatuses: readonly OrderStatus[] = ['CONFIRMED', 'REJECTED', 'CANCELLED'];

/**
 * Every other status: the order still waits on a step or on the saga's word. A declined or failed
 * step is open too, until the saga's OrderRejected for it has been projected.
 */
export const openOrderStatuses: readonly OrderStatus[] = orderStatuses.filter((status) => !finalOrderStatuses.includes(status));

export type TimelineStep =
  | 'PLACED'
  | 'STOCK_RESERVED'
  | 'STOCK_REJECTED'
  | 'STOCK_RELEASED'
  | 'STOCK_FAILED'
  | 'PAYMENT_AUTHORIZED'
  | 'PAYMENT_DECLINED'
  | 'PAYMENT_FAILED'
  | 'CONFIRMED'
  | 'REJECTED'
  | 'CANCELLED';

export interface OrderViewLine {
  sku: string;
  quantity: number;
  unitPrice: string;
  lineTotal: string;
}

export interface TimelineEntry {
  step: TimelineStep;
  at: string;
}

export interface OrderView {
  orderId: string;
  status: OrderStatus;
  /** Null until OrderPlaced has been seen. */
  customerId: string | null;
  currency: string | null;
  channel: OrderChannel | null;
  promoCode: string | null;
  items: OrderViewLine[];
  total: string | null;
  placedAt: string | null;
  updatedAt: string;
  /** Every step seen, in the order they happened. */
  timeline: TimelineEntry[];
  /** Lines stock could not cover, when it was rejected. */
  shortSkus: ShortSku[];
  /** Why the order was rejected or declined, when it was. */
  reason: string | null;
}

const empty = (orderId: string, at: string): OrderView => ({
  orderId,
  status: 'PENDING',
  customerId: null,
  currency: null,
  channel: null,
  promoCode: null,
  items: [],
  total: null,
  placedAt: null,
  updatedAt: at,
  timeline: [],
  shortSkus: [],
  reason: null,
});

const withPlacement = (view: OrderView, placed: OrderPlaced): OrderView => {
  // A second OrderPlaced for one order id would be a producer bug; the first one stands.
  if (view.placedAt !== null) return view;
  return {
    ...view,
    customerId: placed.customerId,
    currency: placed.currency,
    channel: placed.channel,
    promoCode: placed.promoCode,
    items: placed.items.map((line) => ({ ...line, lineTotal: fromScaled(lineTotal(line.quantity, line.unitPrice)) })),
    total: fromScaled(orderTotal(placed)),
    placedAt: placed.placedAt.toISOString(),
  };
};

/** Adds a step once; the timeline stays sorted by time whatever order the steps arrived in. */
const withStep = (view: OrderView, step: TimelineStep, at: Date): OrderView => {
  if (view.timeline.some((entry) => entry.step === step)) return view;
  const timeline = [...view.timeline, { step, at: at.toISOString() }].sort((a, b) => a.at.localeCompare(b.at) || a.step.localeCompare(b.step));
  const latest = timeline[timeline.length - 1]?.at ?? view.updatedAt;
  return { ...view, timeline, updatedAt: latest > view.updatedAt ? latest : view.updatedAt };
};

const has = (view: OrderView, step: TimelineStep): boolean => view.timeline.some((entry) => entry.step === step);

/** The status the facts support: final outcomes first, then payment, then stock, then placement. */
export const deriveStatus = (view: OrderView): OrderStatus => {
  if (has(view, 'CANCELLED')) return 'CANCELLED';
  if (has(view, 'REJECTED')) return 'REJECTED';
  if (has(view, 'CONFIRMED')) return 'CONFIRMED';
  if (has(view, 'PAYMENT_FAILED')) return 'PAYMENT_FAILED';
  if (has(view, 'PAYMENT_DECLINED')) return 'PAYMENT_DECLINED';
  if (has(view, 'PAYMENT_AUTHORIZED')) return 'PAYMENT_AUTHORIZED';
  if (has(view, 'STOCK_FAILED')) return 'STOCK_FAILED';
  if (has(view, 'STOCK_REJECTED')) return 'STOCK_REJECTED';
  if (has(view, 'STOCK_RESERVED')) return 'STOCK_RESERVED';
  if (view.placedAt !== null) return 'PLACED';
  return 'PENDING';
};

const applyFact = (view: OrderView, event: OrderEvent): OrderView => {
  switch (event.eventType) {
    case 'OrderPlaced':
      return withStep(withPlacement(view, event.payload), 'PLACED', event.payload.placedAt);
    case 'OrderCancelled':
      return withStep(view, 'CANCELLED', event.payload.cancelledAt);
    case 'OrderConfirmed':
      return withStep(view, 'CONFIRMED', event.payload.confirmedAt);
    case 'OrderRejected':
      return { ...withStep(view, 'REJECTED', event.payload.rejectedAt), reason: event.payload.detail ?? event.payload.reason };
    case 'StockReserved':
      return withStep(view, 'STOCK_RESERVED', event.payload.reservedAt);
    case 'StockRejected':
      return { ...withStep(view, 'STOCK_REJECTED', event.payload.rejectedAt), shortSkus: event.payload.shortSkus };
    case 'StockReleased':
      return withStep(view, 'STOCK_RELEASED', event.payload.releasedAt);
    case 'StockReservationFailed':
      return { ...withStep(view, 'STOCK_FAILED', event.payload.failedAt), reason: view.reason ?? `${event.payload.errorCode}: ${event.payload.detail}` };
    case 'PaymentFailed':
      return { ...withStep(view, 'PAYMENT_FAILED', event.payload.failedAt), reason: view.reason ?? `${event.payload.errorCode}: ${event.payload.detail}` };
    case 'PaymentAuthorized':
      return withStep(view, 'PAYMENT_AUTHORIZED', event.payload.authorizedAt);
    case 'PaymentDeclined':
      return { ...withStep(view, 'PAYMENT_DECLINED', event.payload.declinedAt), reason: view.reason ?? event.payload.reason };
  }
};

const timeOf = (event: OrderEvent): Date => {
  const payload = event.payload as unknown as Record<string, unknown>;
  const at = Object.entries(payload).find(([name, value]) => name.endsWith('At') && value instanceof Date)?.[1];
  return at instanceof Date ? at : new Date(0);
};

/** The order view as a pure fold of order events: no I/O, so it is tested without Kafka or a store. */
export const evolveOrderView = (view: OrderView | null, event: OrderEvent): OrderView => {
  const next = applyFact(view ?? empty(event.payload.orderId, timeOf(event).toISOString()), event);
  return { ...next, status: deriveStatus(next) };
};

export const orderViewProjection: Projection<OrderView, OrderEvent> = {
  documentId: (event) => event.payload.orderId,
  evolve: evolveOrderView,
};
