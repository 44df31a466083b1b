import { SpanKind, type Attributes, type Tracer } from '@opentelemetry/api';
import { contextFromTraceparent } from './propagation.ts';

/**
 * One span per record for work done for many records at once (a bulk write to the store), each a
 * child of its record's trace and all with the same times: every order's trace shows the write
 * that made its read model current, and no trace borrows another's.
 */
export const recordSpans = (tracer: Tracer, name: string, traceparents: readonly (string | undefined)[], times: { start: number; end: number }, attributes: Attributes = {}): void => {
  for (const traceparent of new Set(traceparents)) {
    if (traceparent === undefined) continue;
    tracer.startSpan(name, { kind: SpanKind.CLIENT, startTime: times.start, attributes }, contextFromTraceparent(traceparent)).end(times.end);
  }
};
