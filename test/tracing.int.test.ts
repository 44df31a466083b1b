import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { tracingEndpoints } from './backbone.ts';
import { eventually, runTributary, uniqueName } from './support.ts';

/**
 * The local stack's Jaeger, end to end: it answers its health check, takes spans over OTLP/HTTP
 * as the services send them, and `tributary trace` prints them as a tree. Runs only when the test
 * backbone has Jaeger (TRIBUTARY_TEST_TRACING=1).
 */
const tracing = tracingEndpoints(inject('backbone'));
if (typeof tracing === 'string') console.log(`[tracing.int] skipped: ${tracing}`);

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const text = (key: string, value: string) => ({ key, value: { stringValue: value } });

interface HandMadeSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP's SpanKind: 2 server, 4 producer, 5 consumer. */
  kind: number;
  startMs: number;
  durationMs: number;
  attributes: ReturnType<typeof text>[];
}

/** One service's spans as an OTLP/JSON resourceSpans entry (ids in hex, times as nanosecond strings). */
const resourceSpans = (service: string, traceId: string, spans: HandMadeSpan[]) => ({
  resource: { attributes: [text('service.name', service)] },
  scopeSpans: [
    {
      scope: { name: 'tributary-tracing-test' },
      spans: spans.map((span) => ({
        traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? '',
        name: span.name,
        kind: span.kind,
        startTimeUnixNano: String(BigInt(span.startMs) * 1_000_000n),
        endTimeUnixNano: String(BigInt(span.startMs + span.durationMs) * 1_000_000n),
        attributes: span.attributes,
        status: {},
      })),
    },
  ],
});

/** An order placed through orders-api and reserved by inventory-service: three spans, two services. */
const orderTrace = (orderId: string) => {
  const traceId = hex(16);
  const [request, publish, consume] = [hex(8), hex(8), hex(8)];
  const start = Date.now() - 1_000;
  return {
    traceId,
    body: {
      resourceSpans: [
        resourceSpans('orders-api', traceId, [
          { spanId: request, name: 'POST /orders', kind: 2, startMs: start, durationMs: 40, attributes: [text('order.id', orderId)] },
          { spanId: publish, parentSpanId: request, name: 'orders publish', kind: 4, startMs: start + 5, durationMs: 10, attributes: [text('messaging.kafka.message.key', orderId)] },
        ]),
        resourceSpans('inventory-service', traceId, [
          { spanId: consume, parentSpanId: publish, name: 'orders process', kind: 5, startMs: start + 30, durationMs: 25, attributes: [text('messaging.kafka.message.key', orderId), text('order.id', orderId)] },
        ]),
      ],
    },
  };
};

/** A loopback port nothing listens on: bound once by us, then released. */
const closedPort = (): Promise<number> =>
  new Promise((resolvePort) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 1));
    });
  });

describe.skipIf(typeof tracing === 'string')('the local Jaeger and tributary trace', () => {
  const { otlpEndpoint, jaegerUrl } = typeof tracing === 'string' ? { otlpEndpoint: '', jaegerUrl: '' } : tracing;

  it('answers its query API, the health check the stack waits for', async () => {
    const response = await fetch(`${jaegerUrl}/api/services`);
    expect(response.status).toBe(200);
    // `data` lists the services with spans: null while there are none yet.
    expect(await response.json()).toMatchObject({ errors: null });
  });

  it('takes an order trace over OTLP/HTTP JSON, and tributary trace prints it as a tree', async () => {
    const orderId = uniqueName('ord');
    const { traceId, body } = orderTrace(orderId);
    const posted = await fetch(`${otlpEndpoint}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(posted.status).toBe(200);

    // The receiver hands spans to storage asynchronously: they are searchable a moment later.
    const printed = await eventually(async () => {
      const run = await runTributary('trace', orderId, '--jaeger-url', jaegerUrl);
      return run.code === 0 ? run.out.join('\n').split('\n') : undefined;
    });
    expect(printed[0]).toBe(`trace ${traceId}: 3 spans, 2 services, 55.0 ms  ${jaegerUrl}/trace/${traceId}`);
    expect(printed.slice(2).map((line) => line.replace(/^ *\S+ ms +\S+ ms {2}/, ''))).toEqual([
      'orders-api: POST /orders',
      '  orders-api: orders publish',
      '    inventory-service: orders process',
    ]);

    const json = await runTributary('trace', orderId, '--jaeger-url', jaegerUrl, '--json');
    const [tree] = JSON.parse(json.out.join('\n')) as { traceId: string; roots: { name: string; durationMs: number; attributes: Record<string, unknown> }[] }[];
    expect(tree).toMatchObject({ traceId, spanCount: 3, roots: [{ name: 'POST /orders', durationMs: 40, attributes: { 'order.id': orderId } }] });
  });

  it('says no trace was found, and why that may be, for an order it has no spans of', async () => {
    const run = await runTributary('trace', uniqueName('ord-unknown'), '--jaeger-url', jaegerUrl, '--lookback', '1h');
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toMatch(/error \[NOT_FOUND\]: No trace of order ord-unknown-\w+ in the last 1h .*give it a moment.*not have been sampled/);
  });
});

describe('tributary trace without Jaeger', () => {
  it('names the address it tried and how to start Jaeger', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runTributary('trace', 'ord-1', '--jaeger-url', url);
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toContain(`error [TRACING_UNAVAILABLE]: Jaeger does not answer at ${url}; \`tributary stack up\` starts it`);
  });
});
