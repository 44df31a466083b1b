import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { noTracing, samplerOf, startTracing } from './provider.ts';
import { recordingTracing } from './recording.ts';

const decide = (sampler: ReturnType<typeof samplerOf>, traceId: string, parentSampled?: boolean) => {
  const parent = parentSampled === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: 'b7ad6b7169203331', traceFlags: parentSampled ? 1 : 0, isRemote: true });
  return sampler.shouldSample(parent, traceId, 'span', SpanKind.INTERNAL, {}, []).decision;
};

describe('tracing set-up', () => {
  it('names spans after the service, unless OTEL_SERVICE_NAME says otherwise', () => {
    const own = recordingTracing('inventory-service');
    own.tracer.startSpan('a').end();
    expect(own.spans()[0]?.resource.attributes['service.name']).toBe('inventory-service');
  });

  it('samples by the standard sampler names: ratios for new traces, the caller\'s decision under parentbased', () => {
    // The ratio sampler compares the trace id's 32-bit words folded together against the ratio: this one folds to the top.
    const allIds = 'ffffffff000000000000000000000000';
    const noIds = '00000000000000000000000000000001';
    expect(decide(samplerOf({ otelTracesSampler: 'always_off', otelTracesSamplerArg: 1 }), noIds)).toBe(0);
    expect(decide(samplerOf({ otelTracesSampler: 'always_on', otelTracesSamplerArg: 0 }), allIds)).not.toBe(0);
    expect(decide(samplerOf({ otelTracesSampler: 'traceidratio', otelTracesSamplerArg: 0.1 }), noIds)).not.toBe(0);
    expect(decide(samplerOf({ otelTracesSampler: 'traceidratio', otelTracesSamplerArg: 0.1 }), allIds)).toBe(0);
    expect(decide(samplerOf({ otelTracesSampler: 'parentbased_traceidratio', otelTracesSamplerArg: 0 }), allIds, true)).not.toBe(0);
    expect(decide(samplerOf({ otelTracesSampler: 'parentbased_always_on', otelTracesSamplerArg: 1 }), allIds, false)).toBe(0);
  });

  it('makes no spans when OTEL_SDK_DISABLED is set, and passes the caller\'s context through', () => {
    const tracing = startTracing('x', { otelSdkDisabled: true, otelTracesSampler: 'always_on', otelTracesSamplerArg: 1 });
    expect(tracing).toBe(noTracing);
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 });
    const span = tracing.tracer.startSpan('hop', {}, parent);
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().spanId).toBe('b7ad6b7169203331');
  });

  it('starts no SDK without an endpoint: spans are not recorded, so none waits for an export that cannot happen', async () => {
    const tracing = startTracing('x', { otelSdkDisabled: false, otelTracesSampler: 'always_on', otelTracesSamplerArg: 1 });
    expect(tracing).toBe(noTracing);
    expect(tracing.tracer.startSpan('nowhere to go').isRecording()).toBe(false);
    await tracing.shutdown();
  });

  it('records spans for export when an endpoint is set, and shuts down cleanly', async () => {
    const tracing = startTracing('x', { otelSdkDisabled: false, otelExporterOtlpEndpoint: 'http://127.0.0.1:9/', otelTracesSampler: 'always_on', otelTracesSamplerArg: 1 });
    expect(tracing.enabled).toBe(true);
    // Left open, so shutting down has nothing to send to the unreachable collector.
    expect(tracing.tracer.startSpan('recorded').isRecording()).toBe(true);
    await tracing.shutdown();
  });

  it('decides sampling when a trace starts: the spans of an unsampled trace are not recorded and never reach the exporter', () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing('x', { otelSdkDisabled: false, otelTracesSampler: 'traceidratio', otelTracesSamplerArg: 0 }, { exporter, processor: (spans) => new SimpleSpanProcessor(spans) });
    const request = tracing.tracer.startSpan('POST /orders', { kind: SpanKind.SERVER });
    const publish = tracing.tracer.startSpan('publish orders', { kind: SpanKind.PRODUCER }, trace.setSpan(ROOT_CONTEXT, request));
    expect([request.isRecording(), publish.isRecording()]).toEqual([false, false]);
    // The next hop learns the decision from the traceparent's flags and makes the same one.
    expect(publish.spanContext()).toMatchObject({ traceId: request.spanContext().traceId, traceFlags: 0 });
    publish.end();
    request.end();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });
});
