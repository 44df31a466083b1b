import { describe, expect, it } from 'vitest';
import { findOrderTraces } from './find.ts';
import type { JaegerClient, JaegerTrace, TraceSearch } from './jaeger-api.ts';
import { parseLookback } from './lookback.ts';

const traceOf = (id: string): JaegerTrace => ({ traceID: id, spans: [], processes: {} });

/** A Jaeger that holds `found` traces per "service attribute" and records every search. */
const fakeJaeger = (services: string[], found: Record<string, string[]>) => {
  const searches: TraceSearch[] = [];
  const client: JaegerClient = {
    services: () => Promise.resolve(services),
    searchTraces: (search) => {
      searches.push(search);
      const [[attribute, value]] = Object.entries(search.tags) as [[string, string]];
      return Promise.resolve(value === 'ord-1' ? (found[`${search.service} ${attribute}`] ?? []).map(traceOf) : []);
    },
  };
  return { client, searches, searched: () => searches.map((search) => `${search.service} ${Object.keys(search.tags).join()}`) };
};

const search = { orderId: 'ord-1', lookbackMs: 3_600_000, now: () => 1_000_000_000 };

describe('findOrderTraces', () => {
  it('asks orders-api for the order.id first, over the lookback window in microseconds', async () => {
    const jaeger = fakeJaeger(['jaeger', 'inventory-service', 'orders-api'], { 'orders-api order.id': ['t1'] });
    const found = await findOrderTraces(jaeger.client, search);
    expect(found.traces.map((trace) => trace.traceID)).toEqual(['t1']);
    expect(jaeger.searched()).toEqual(['orders-api order.id']);
    expect(jaeger.searches[0]).toMatchObject({ start: (1_000_000_000 - 3_600_000) * 1000, end: 1_000_000_000 * 1000, tags: { 'order.id': 'ord-1' } });
  });

  it('falls back to the other services by order.id, then to every service by the Kafka record key', async () => {
    const byOrderId = fakeJaeger(['orders-api', 'payments-service', 'inventory-service'], { 'payments-service order.id': ['t2'] });
    expect((await findOrderTraces(byOrderId.client, search)).traces.map((trace) => trace.traceID)).toEqual(['t2']);
    expect(byOrderId.searched()).toEqual(['orders-api order.id', 'inventory-service order.id', 'payments-service order.id']);

    const byKey = fakeJaeger(['orders-api', 'inventory-service'], { 'inventory-service messaging.kafka.message.key': ['t3'] });
    const found = await findOrderTraces(byKey.client, search);
    expect(found.traces.map((trace) => trace.traceID)).toEqual(['t3']);
    expect(byKey.searched().slice(-2)).toEqual(['orders-api messaging.kafka.message.key', 'inventory-service messaging.kafka.message.key']);
  });

  it('says which services it searched when nothing matches, leaving Jaeger itself out', async () => {
    const jaeger = fakeJaeger(['jaeger', 'order-projector'], {});
    expect(await findOrderTraces(jaeger.client, search)).toEqual({ traces: [], searched: ['order-projector'] });
  });
});

describe('parseLookback', () => {
  it('reads seconds, minutes, hours and days', () => {
    expect([parseLookback('30s'), parseLookback('15m'), parseLookback('6h'), parseLookback('2d')]).toEqual([30_000, 900_000, 21_600_000, 172_800_000]);
  });

  it.each(['', '0h', '6', '1.5h', '2w'])('refuses %j with a usage error', (raw) => {
    expect(() => parseLookback(raw)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
