import type { OrderPlaced } from '@tributary/contracts';

export type { OrderLine, OrderPlaced } from '@tributary/contracts';

/** An order event as a projection sees it: its type, payload (reader shape) and where it sits in its topic. */
export type OrderEvent = { topic: string; partition: number; offset: string } & { eventType: 'OrderPlaced'; payload: OrderPlaced };
