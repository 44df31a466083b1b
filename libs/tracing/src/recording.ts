import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing, type Tracing } from './provider.ts';

/**
 * Tracing that keeps every finished span in memory, for tests that check which spans a piece of
 * code makes and how they link, without a collector.
 */
export const recordingTracing = (serviceName = 'test-service'): Tracing & { spans(): ReadableSpan[] } => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing(serviceName, { otelSdkDisabled: false, otelTracesSampler: 'parentbased_always_on', otelTracesSamplerArg: 1 }, { exporter, processor: (spanExporter) => new SimpleSpanProcessor(spanExporter) });
  return { ...tracing, spans: () => exporter.getFinishedSpans() };
};
