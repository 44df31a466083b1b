import { loopback } from '../network.ts';
import type { StackPorts } from '../options.ts';

/**
 * Traces kept before the oldest are dropped. Memory grows with it (a few KB per trace of ten
 * spans), and a load test makes one trace per order: this bounds a long run to a few hundred MB.
 */
export const maxTraces = 20_000;

/**
 * Jaeger v2 is an OpenTelemetry Collector build: one YAML file names its receivers, pipelines and
 * extensions. This one takes OTLP over HTTP and gRPC, keeps spans in memory (gone on stop, as a
 * local trace store should be) and serves the UI and query API from the jaeger_query extension.
 * Every listener is on loopback and on a port of ours: left alone, the collector's own metrics
 * would open 8888 and the query extension would trace itself into someone's 4317.
 */
export const renderJaegerConfig = (ports: Pick<StackPorts, 'jaegerUi' | 'jaegerGrpc' | 'otlpHttp' | 'otlpGrpc'>, uiAssets?: string): string => `# Written by \`tributary stack up\` on every start; edits are overwritten.
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn

extensions:
  jaeger_storage:
    backends:
      local_memory:
        memory:
          max_traces: ${maxTraces}
  jaeger_query:
    storage:
      traces: local_memory
    enable_tracing: false${uiAssets ? `
    ui:
      assets_path: ${JSON.stringify(uiAssets)}` : ''}
    http:
      endpoint: ${loopback}:${ports.jaegerUi}
    grpc:
      endpoint: ${loopback}:${ports.jaegerGrpc}

receivers:
  otlp:
    protocols:
      http:
        endpoint: ${loopback}:${ports.otlpHttp}
      grpc:
        endpoint: ${loopback}:${ports.otlpGrpc}

exporters:
  jaeger_storage_exporter:
    trace_storage: local_memory
`;
