import type { JaegerClient, JaegerTrace } from './jaeger-api.ts';

/**
 * Span attributes that name an order: `order.id` on spans that know the order (orders-api's
 * request first of all), and the Kafka record key on every producer and consumer span, since
 * events are keyed by order id.
 */
export const orderAttributes = ['order.id', 'messaging.kafka.message.key'] as const;

/** Where an order's trace starts: the request that placed it. */
const entryService = 'orders-api';

/** Jaeger lists itself when it traces its own queries; it never holds an order's spans. */
const ownServices = new Set(['jaeger', 'jaeger-all-in-one']);

export interface OrderTraceSearch {
  orderId: string;
  /** How far back to look, in milliseconds. */
  lookbackMs: number;
  /** The clock, for tests. */
  now?: () => number;
  /** Traces asked for per search. */
  limit?: number;
}

export interface FoundTraces {
  traces: JaegerTrace[];
  /** The services whose spans were searched, in order; for the "nothing found" message. */
  searched: string[];
}

/**
 * Finds the traces of one order with as few queries as it can: orders-api's spans tagged with the
 * order id (the placing request, whose trace carries the whole saga); if there are none (the order
 * came in another way, or orders-api's spans were not kept), every other service by `order.id`,
 * then every service by the Kafka record key.
 */
export const findOrderTraces = async (client: JaegerClient, search: OrderTraceSearch): Promise<FoundTraces> => {
  const nowMs = (search.now ?? Date.now)();
  const window = { start: (nowMs - search.lookbackMs) * 1000, end: nowMs * 1000, limit: search.limit ?? 20 };
  const services = (await client.services()).filter((service) => !ownServices.has(service));
  const others = services.filter((service) => service !== entryService).sort();
  const query = (service: string, attribute: string) => client.searchTraces({ ...window, service, tags: { [attribute]: search.orderId } });

  if (services.includes(entryService)) {
    const traces = await query(entryService, 'order.id');
    if (traces.length > 0) return { traces, searched: [entryService] };
  }
  for (const attribute of orderAttributes) {
    const candidates = attribute === 'order.id' ? others : services;
    const traces = (await Promise.all(candidates.map((service) => query(service, attribute)))).flat();
    if (traces.length > 0) return { traces, searched: services };
  }
  return { traces: [], searched: services };
};
