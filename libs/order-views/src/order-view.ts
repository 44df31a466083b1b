import { formatDecimal, parseDecimal } from '@tributary/avro';
import type { Projection } from '@tributary/store';
import type { OrderEvent, OrderPlaced } from './events.ts';

export const orderViewsCollection = 'order_views';

export type OrderStatus = 'PLACED';

export interface OrderViewLine {
  sku: string;
  quantity: number;
  unitPrice: string;
  lineTotal: string;
}

export interface TimelineEntry {
  status: OrderStatus;
  at: string;
}

export interface OrderView {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  currency: string;
  channel: OrderPlaced['channel'];
  promoCode: string | null;
  items: OrderViewLine[];
  total: string;
  placedAt: string;
  updatedAt: string;
  timeline: TimelineEntry[];
}

/** Money is summed as scaled integers; this scale covers every currency's minor units. */
const moneyScale = 4;

const lineTotal = (quantity: number, unitPrice: string): bigint => BigInt(quantity) * parseDecimal(unitPrice, moneyScale);

const placed = (event: OrderPlaced): OrderView => {
  const at = event.placedAt.toISOString();
  const total = event.items.reduce((sum, line) => sum + lineTotal(line.quantity, line.unitPrice), 0n);
  return {
    orderId: event.orderId,
    customerId: event.customerId,
    status: 'PLACED',
    currency: event.currency,
    channel: event.channel,
    promoCode: event.promoCode,
    items: event.items.map((line) => ({ ...line, lineTotal: formatDecimal(lineTotal(line.quantity, line.unitPrice), moneyScale) })),
    total: formatDecimal(total, moneyScale),
    placedAt: at,
    updatedAt: at,
    timeline: [{ status: 'PLACED', at }],
  };
};

/** The order view as a pure fold of order events: no I/O, so it is tested without Kafka or a store. */
export const evolveOrderView = (view: OrderView | null, event: OrderEvent): OrderView | null => {
  switch (event.eventType) {
    case 'OrderPlaced':
      // A second OrderPlaced for one order id would be a producer bug; the first one stands.
      return view ?? placed(event.payload);
    default:
      return view;
  }
};

export const orderViewProjection: Projection<OrderView, OrderEvent> = {
  documentId: (event) => event.payload.orderId,
  evolve: evolveOrderView,
};
