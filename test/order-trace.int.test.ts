import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tracingEndpoints } from './backbone.ts';
import { startFlow, type Flow } from './faults/flow.ts';
import { eventually, runTributary } from './support.ts';

/**
 * One order's saga is one trace in the real Jaeger of the local stack: every service's spans, each
 * the child of the span that caused it, with the messaging attributes set. Runs only when the test
 * backbone has Jaeger (TRIBUTARY_TEST_TRACING=1).
 */
const tracing = tracingEndpoints(inject('backbone'));
if (typeof tracing === 'string') console.log(`[order-trace.int] skipped: ${tracing}`);

/** A span as Jaeger's query API (`/api/traces`) returns it. */
interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; spanID: string }[];
  processID: string;
  startTime: number;
  duration: number;
  tags: { key: string; value: unknown }[];
}

interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** A span with its service and tags made easy to look at. */
interface Hop {
  id: string;
  parentId: string | undefined;
  service: string;
  name: string;
  startTime: number;
  tags: Record<string, unknown>;
}

const hopsOf = (trace: JaegerTrace): Hop[] =>
  trace.spans.map((span) => ({
    id: span.spanID,
    parentId: span.references.find((reference) => reference.refType === 'CHILD_OF')?.spanID,
    service: trace.processes[span.processID]?.serviceName ?? '?',
    name: span.operationName,
    startTime: span.startTime,
    tags: Object.fromEntries(span.tags.map(({ key, value }) => [key, value])),
  }));

/** Spans whose parent is not in the trace: the request's alone, once every service has exported. */
const orphansOf = (hops: readonly Hop[]): Hop[] => {
  const ids = new Set(hops.map((hop) => hop.id));
  return hops.filter((hop) => hop.parentId === undefined || !ids.has(hop.parentId));
};

describe.skipIf(typeof tracing === 'string')('one trace per order, in Jaeger', () => {
  const { otlpEndpoint, jaegerUrl } = typeof tracing === 'string' ? { otlpEndpoint: '', jaegerUrl: '' } : tracing;
  let flow: Flow;

  const send = async (method: string, url: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  };

  /** Places an order of one item and waits until the query API shows it final. */
  const orderToTheEnd = async (sku: string, unitPrice: string, currency = 'EUR'): Promise<{ orderId: string; status: string }> => {
    const placed = await send('POST', `${flow.url('orders-api')}/orders`, { customerId: 'customer-trace', currency, items: [{ sku, quantity: 1, unitPrice }] });
    expect(placed.status, JSON.stringify(placed.body)).toBe(202);
    const orderId = placed.body['orderId'] as string;
    const status = await eventually(
      async () => {
        const view = await send('GET', `${flow.url('query-api')}/orders/${orderId}`);
        const current = view.body['status'] as string | undefined;
        return view.status === 200 && current && ['CONFIRMED', 'REJECTED', 'CANCELLED'].includes(current) ? current : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    return { orderId, status };
  };

  /** The order's traces, once the projector's store write (the last hop) has reached Jaeger. */
  const traceOf = (orderId: string, lastHop: (hops: Hop[]) => boolean): Promise<JaegerTrace[]> =>
    eventually(
      async () => {
        const query = new URLSearchParams({ service: 'orders-api', tags: JSON.stringify({ 'order.id': orderId }), lookback: '1h', limit: '20' });
        const response = await fetch(`${jaegerUrl}/api/traces?${query.toString()}`);
        const { data } = (await response.json()) as { data: JaegerTrace[] | null };
        // Each service exports on its own schedule: a child may reach Jaeger before its parent.
        return data && data.length > 0 && data.every((trace) => lastHop(hopsOf(trace)) && orphansOf(hopsOf(trace)).length === 1) ? data : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );

  beforeAll(async () => {
    flow = await startFlow('trace', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint, OTEL_TRACES_SAMPLER: 'always_on', OTEL_BSP_SCHEDULE_DELAY: '200' } });
    const stocked = await send('PUT', `${flow.url('inventory-service')}/stock/${encodeURIComponent(`SKU-T-${flow.topics[0]}`)}`, { quantity: 10 });
    expect(stocked.status).toBeLessThan(300);
  }, 180_000);

  afterAll(async () => {
    await flow?.stop();
  });

  it('draws a confirmed order as one trace through every service, each hop the child of its cause', async () => {
    const [ordersTopic, inventoryTopic, paymentsTopic] = flow.topics as [string, string, string];
    const { orderId, status } = await orderToTheEnd(`SKU-T-${ordersTopic}`, '12.50');
    expect(status).toBe('CONFIRMED');

    const traces = await traceOf(orderId, (hops) => hops.some((hop) => hop.service === 'order-projector' && hop.name.startsWith('write ')) && hops.some((hop) => hop.tags['tributary.event_type'] === 'OrderConfirmed' && hop.service === 'order-projector'));
    expect(traces).toHaveLength(1);
    const hops = hopsOf(traces[0] as JaegerTrace);
    const byId = new Map(hops.map((hop) => [hop.id, hop]));
    expect(new Set(hops.map((hop) => hop.service))).toEqual(new Set(['orders-api', 'inventory-service', 'payments-service', 'orders-service', 'order-projector']));

    // Every span but the request's has its parent in the trace, and starts after it.
    const roots = orphansOf(hops);
    expect(roots.map((hop) => `${hop.service}: ${hop.name}`)).toEqual(['orders-api: POST /orders']);
    for (const hop of hops) {
      const parent = hop.parentId === undefined ? undefined : byId.get(hop.parentId);
      if (parent) expect(hop.startTime, `${hop.service} ${hop.name} starts after ${parent.service} ${parent.name}`).toBeGreaterThanOrEqual(parent.startTime);
    }

    /** The one span of a service with that name and event type, whose parent is `parent`. */
    const childOf = (parent: Hop, service: string, name: string, eventType?: string): Hop => {
      const found = hops.filter((hop) => hop.parentId === parent.id && hop.service === service && hop.name === name && (eventType === undefined || hop.tags['tributary.event_type'] === eventType));
      expect(found.map((hop) => hop.name), `${service} ${name} ${eventType ?? ''} under ${parent.service} ${parent.name}`).toHaveLength(1);
      return found[0] as Hop;
    };
    const request = roots[0] as Hop;
    const placed = childOf(request, 'orders-api', `publish ${ordersTopic}`, 'OrderPlaced');
    const reserving = childOf(placed, 'inventory-service', `process ${ordersTopic}`);
    const reserved = childOf(reserving, 'inventory-service', `publish ${inventoryTopic}`, 'StockReserved');
    const paying = childOf(reserved, 'payments-service', `process ${inventoryTopic}`);
    const gatewayCall = childOf(paying, 'payments-service', 'POST /payments');
    const authorized = childOf(paying, 'payments-service', `publish ${paymentsTopic}`, 'PaymentAuthorized');
    const deciding = childOf(authorized, 'orders-service', `process ${paymentsTopic}`);
    const confirmed = childOf(deciding, 'orders-service', `publish ${ordersTopic}`, 'OrderConfirmed');
    const projecting = childOf(confirmed, 'order-projector', `process ${ordersTopic}`);
    expect(hops.filter((hop) => hop.parentId === projecting.id && hop.name.startsWith('write ')).length).toBeGreaterThan(0);

    expect(gatewayCall.tags).toMatchObject({ 'tributary.breaker.state': 'closed', 'order.id': orderId, 'span.kind': 'client' });
    expect(placed.tags).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': ordersTopic, 'messaging.operation.name': 'publish', 'messaging.kafka.message.key': orderId, 'span.kind': 'producer' });
    expect(reserving.tags).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': ordersTopic,
      'messaging.operation.name': 'process',
      'messaging.consumer.group.name': flow.env['INVENTORY_SERVICE_GROUP'],
      'messaging.kafka.message.key': orderId,
      'span.kind': 'consumer',
    });
    expect(reserving.tags['messaging.destination.partition.id']).toMatch(/^\d+$/);
    expect(typeof reserving.tags['messaging.kafka.offset']).toBe('number');

    const printed = await runTributary('trace', orderId, '--jaeger-url', jaegerUrl);
    expect(printed.code).toBe(0);
    console.log(`[order-trace.int] tributary trace ${orderId} (confirmed):\n${printed.out.join('\n')}`);
    expect(printed.out.join('\n')).toContain('payments-service: POST /payments');
  });

  it('draws an order short of stock down to its rejection', async () => {
    const { orderId, status } = await orderToTheEnd(`SKU-T-missing-${flow.topics[0]}`, '3.00');
    expect(status).toBe('REJECTED');
    const traces = await traceOf(orderId, (hops) => hops.some((hop) => hop.service === 'order-projector' && hop.tags['tributary.event_type'] === 'OrderRejected'));
    const hops = hopsOf(traces[0] as JaegerTrace);
    expect(hops.some((hop) => hop.service === 'inventory-service' && hop.tags['tributary.event_type'] === 'StockRejected')).toBe(true);
    expect(hops.some((hop) => hop.service === 'orders-service' && hop.tags['tributary.event_type'] === 'OrderRejected')).toBe(true);
    const printed = await runTributary('trace', orderId, '--jaeger-url', jaegerUrl);
    expect(printed.code).toBe(0);
    console.log(`[order-trace.int] tributary trace ${orderId} (rejected):\n${printed.out.join('\n')}`);
  });
});
