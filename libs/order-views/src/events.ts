/** Payload of OrderPlaced as consumers read it (reader shape of the newest local schema version). */
export interface OrderLine {
  sku: string;
  quantity: number;
  /** Exact decimal text, for example "19.99". */
  unitPrice: string;
}

export interface OrderPlaced {
  orderId: string;
  customerId: string;
  currency: string;
  items: OrderLine[];
  placedAt: Date;
  /** Since v2; v1 records read as WEB through the schema's default. */
  channel: 'WEB' | 'MOBILE' | 'STORE' | 'API';
  /** Since v2; v1 records read as null. */
  promoCode: string | null;
}

/** An order event as a projection sees it: its type, payload and where it sits in its topic. */
export type OrderEvent = { topic: string; partition: number; offset: string } & { eventType: 'OrderPlaced'; payload: OrderPlaced };
