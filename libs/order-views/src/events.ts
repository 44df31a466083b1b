import type { EventPayloads } from '@tributary/contracts';

export type { OrderLine, OrderPlaced } from '@tributary/contracts';

/** The event types the order view is built from, across the orders, inventory and payments streams. */
export const orderViewEventTypes = [
  'OrderPlaced',
  'OrderCancelled',
  'OrderConfirmed',
  'OrderRejected',
  'StockReserved',
  'StockRejected',
  'StockReleased',
  'StockReservationFailed',
  'PaymentAuthorized',
  'PaymentDeclined',
  'PaymentFailed',
] as const satisfies readonly (keyof EventPayloads)[];

export type OrderViewEventType = (typeof orderViewEventTypes)[number];

/** An order event as a projection sees it: its type, payload (reader shape) and where it sits in its topic. */
export type OrderEvent = { topic: string; partition: number; offset: string } & {
  [K in OrderViewEventType]: { eventType: K; payload: EventPayloads[K] };
}[OrderViewEventType];

export const isOrderViewEventType = (eventType: string): eventType is OrderViewEventType =>
  (orderViewEventTypes as readonly string[]).includes(eventType);
