import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JaegerTrace } from './jaeger-api.ts';
import { buildTraceTree, buildTraceTrees, formatTraceTree } from './tree.ts';

/** A trace as Jaeger's GET /api/traces answers it, spans in no particular order. */
const answer = JSON.parse(readFileSync(join(import.meta.dirname, 'jaeger-trace.fixture.json'), 'utf8')) as { data: JaegerTrace[] };
const trace = answer.data[0]!;

describe('buildTraceTree', () => {
  it('nests every span under its parent, each level ordered by start time', () => {
    const tree = buildTraceTree(trace);
    const shape = (nodes: typeof tree.roots): unknown[] => nodes.map((node) => ({ [`${node.service}: ${node.name}`]: shape(node.children) }));
    expect(shape(tree.roots)).toEqual([
      { 'orders-api: POST /orders': [{ 'orders-api: order.validate': [] }, { 'orders-api: orders publish': [{ 'inventory-service: orders process': [] }] }] },
      { 'payments-service: gateway authorize': [] },
    ]);
    expect(tree).toMatchObject({ traceId: trace.traceID, spanCount: 5, durationMs: 32, services: ['inventory-service', 'orders-api', 'payments-service'] });
  });

  it('keeps a span whose parent is missing as a root, and marks errors', () => {
    const [request, orphan] = buildTraceTree(trace).roots;
    expect(request).toMatchObject({ orphan: false, error: false, durationMs: 15.4, attributes: { 'order.id': 'ord-42' } });
    expect(orphan).toMatchObject({ orphan: true, error: true, name: 'gateway authorize' });
  });

  it('lists a trace found by several searches once, earliest first', () => {
    const later: JaegerTrace = { ...trace, traceID: 'later', spans: trace.spans.map((span) => ({ ...span, traceID: 'later', startTime: span.startTime + 1_000_000 })) };
    expect(buildTraceTrees([later, trace, trace, { ...trace, traceID: 'empty', spans: [] }]).map((tree) => tree.traceId)).toEqual([trace.traceID, 'later']);
  });
});

describe('formatTraceTree', () => {
  it('prints offset, duration and the indented span with its service, and links the trace in the UI', () => {
    expect(formatTraceTree(buildTraceTree(trace), 'http://127.0.0.1:16686/')).toEqual([
      'trace 4bf92f3577b34da6a3ce929d0e0e4736: 5 spans, 3 services, 32.0 ms  http://127.0.0.1:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736',
      '   START  DURATION  SPAN',
      ' +0.0 ms   15.4 ms  orders-api: POST /orders',
      ' +1.0 ms    0.5 ms    orders-api: order.validate',
      ' +4.0 ms    3.1 ms    orders-api: orders publish',
      '+12.0 ms    8.3 ms      inventory-service: orders process',
      '+30.0 ms    2.0 ms  payments-service: gateway authorize  ERROR (parent span missing)',
    ]);
  });
});
