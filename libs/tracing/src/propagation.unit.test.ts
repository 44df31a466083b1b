import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { contextFromTraceparent, traceparentOf, withTraceparent } from './propagation.ts';
import { recordingTracing } from './recording.ts';

const valid = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('trace context', () => {
  it('reads a valid traceparent as the parent of the next span', () => {
    const spanContext = trace.getSpanContext(contextFromTraceparent(valid));
    expect(spanContext).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['garbage', 'not-a-traceparent'],
    ['a short trace id', '00-0af7651916cd43dd-b7ad6b7169203331-01'],
    ['an all-zero trace id', '00-00000000000000000000000000000000-b7ad6b7169203331-01'],
    ['bad hex', '00-0af7651916cd43dd8448eb211c80319z-b7ad6b7169203331-01'],
  ])('starts a new trace for a %s traceparent, without an error', (_what, header) => {
    const tracing = recordingTracing();
    const span = tracing.tracer.startSpan('next', {}, contextFromTraceparent(header));
    span.end();
    expect(tracing.spans()[0]?.parentSpanContext).toBeUndefined();
    expect(trace.getSpanContext(contextFromTraceparent(header))).toBeUndefined();
  });

  it('writes the traceparent of a span, and none for a span without a valid context', () => {
    const tracing = recordingTracing();
    const span = tracing.tracer.startSpan('hop', {}, contextFromTraceparent(valid));
    expect(traceparentOf(span)).toBe(`00-0af7651916cd43dd8448eb211c80319c-${span.spanContext().spanId}-01`);
    expect(traceparentOf(trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }))).toBeUndefined();
  });

  it('reads a traceparent it wrote back as the span that wrote it, the parent of the next span', () => {
    const tracing = recordingTracing();
    const hop = tracing.tracer.startSpan('hop', {}, contextFromTraceparent(valid));
    const traceparent = traceparentOf(hop);
    expect(trace.getSpan(contextFromTraceparent(traceparent))).toBe(hop);
    tracing.tracer.startSpan('next', {}, contextFromTraceparent(traceparent)).end();
    hop.end();
    expect(tracing.spans().find((span) => span.name === 'next')?.parentSpanContext?.spanId).toBe(hop.spanContext().spanId);
  });

  it('writes an unsampled span\'s traceparent with its flags, so the next hop does not sample it either', () => {
    expect(traceparentOf(trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 0 }))).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00');
  });

  it('runs work inside the trace a record names', () => {
    expect(withTraceparent(valid, () => trace.getActiveSpan()?.spanContext().spanId)).toBe('b7ad6b7169203331');
    expect(withTraceparent(undefined, () => trace.getSpanContext(ROOT_CONTEXT))).toBeUndefined();
  });
});
