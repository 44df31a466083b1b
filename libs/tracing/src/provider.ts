import { context, propagation, ProxyTracerProvider, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** OpenTelemetry's standard variables, as libs/config's tracingSettings reads them. */
export interface TracingSettings {
  otelSdkDisabled: boolean;
  otelExporterOtlpEndpoint?: string | undefined;
  otelServiceName?: string | undefined;
  otelTracesSampler: 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';
  otelTracesSamplerArg: number;
}

export interface Tracing {
  readonly tracer: Tracer;
  /** True when spans are recorded and exported: the SDK is on and has somewhere to send them. */
  readonly enabled: boolean;
  /** Exports the spans still buffered, then stops: called last when the service stops. */
  shutdown(): Promise<void>;
}

const instrumentationName = '@tributary/tracing';

/** What an unset tracer does: nothing, while passing the caller's trace context through unchanged. */
export const noTracing: Tracing = { tracer: new ProxyTracerProvider().getTracer(instrumentationName), enabled: false, shutdown: () => Promise.resolve() };

let propagatorSet = false;
let contextManagerSet = false;

/**
 * Trace context is read and written as W3C traceparent, and, where asked, the active span follows
 * async calls (AsyncLocalStorage): both once per process. On Node 20 AsyncLocalStorage runs async
 * hooks on every promise the process makes, whoever makes it, which is why a service that hands
 * its spans on explicitly can go without it.
 */
const setGlobals = (asyncContext: boolean): void => {
  if (!propagatorSet) propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  propagatorSet = true;
  if (!asyncContext || contextManagerSet) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  contextManagerSet = true;
};

export const samplerOf = ({ otelTracesSampler, otelTracesSamplerArg }: Pick<TracingSettings, 'otelTracesSampler' | 'otelTracesSamplerArg'>): Sampler => {
  const ratio = new TraceIdRatioBasedSampler(otelTracesSamplerArg);
  switch (otelTracesSampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
};

/**
 * A tracer of the service's own, not the process-wide one: `tributary start` and the tests run
 * several services in one process, and each span must name the service that made it. Spans are
 * batched and exported as OTLP/HTTP protobuf, the encoding collectors decode fastest and the
 * smallest on the wire. With no endpoint there is nowhere to send them, so the SDK is not started
 * at all, as with OTEL_SDK_DISABLED: recording spans nobody receives would cost every request.
 * Tests give an exporter and processor of their own.
 */
export interface TracingOptions {
  /** Where spans go instead of the OTLP endpoint (tests). */
  exporter?: SpanExporter;
  processor?: (exporter: SpanExporter) => SpanProcessor;
  /**
   * Whether the active span follows async calls, so spans and log lines made after an `await`
   * belong to it (the default). A service that only answers HTTP can do without: it takes the
   * request's span from `requestSpan(res)` instead. The first service in a process to ask for it
   * turns it on for all of them.
   */
  asyncContext?: boolean;
}

export const startTracing = (serviceName: string, settings: TracingSettings, options: TracingOptions = {}): Tracing => {
  if (settings.otelSdkDisabled) return noTracing;
  const endpoint = settings.otelExporterOtlpEndpoint?.replace(/\/+$/, '');
  const exporter = options.exporter ?? (endpoint ? new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }) : undefined);
  if (!exporter) return noTracing;
  setGlobals(options.asyncContext ?? true);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.otelServiceName ?? serviceName }),
    sampler: samplerOf(settings),
    // The OTEL_BSP_* variables size the batches (512 spans, or every 5 s) and the queue (2,048).
    spanProcessors: [(options.processor ?? ((batched) => new BatchSpanProcessor(batched)))(exporter)],
  });
  return { tracer: provider.getTracer(instrumentationName), enabled: true, shutdown: () => provider.shutdown() };
};
