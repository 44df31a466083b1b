import { loopback } from './network.ts';
import type { StackOptions } from './options.ts';

/** What clients of the stack need: the same shape the services read from their environment. */
export interface StackEndpoints {
  kafkaBrokers: string[];
  /** Confluent-compatible API base, as @kafkajs/confluent-schema-registry expects it. */
  registryUrl: string;
  mongoUri: string;
  /** Where services send spans (OTLP over HTTP); only while the stack runs its tracing backend. */
  otlpEndpoint?: string;
  /** Jaeger's UI and query API, likewise. */
  jaegerUrl?: string;
}

/** `tracing`: whether Jaeger is part of this stack, so its addresses are worth handing out. */
export const stackEndpoints = ({ ports }: StackOptions, tracing = false): StackEndpoints => ({
  kafkaBrokers: [`${loopback}:${ports.kafka}`],
  registryUrl: `http://${loopback}:${ports.registry}/apis/ccompat/v7`,
  mongoUri: `mongodb://${loopback}:${ports.store}`,
  ...(tracing ? { otlpEndpoint: `http://${loopback}:${ports.otlpHttp}`, jaegerUrl: `http://${loopback}:${ports.jaegerUi}` } : {}),
});

/**
 * The variables the services read (see @tributary/config, and the OpenTelemetry SDK's own
 * OTEL_EXPORTER_OTLP_ENDPOINT), so `eval`/`.env` can point them at a stack. Without tracing the
 * OTLP variable is left out rather than empty, so services export no spans at all.
 */
export const endpointVariables = (endpoints: StackEndpoints): Record<string, string> => ({
  KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
  SCHEMA_REGISTRY_URL: endpoints.registryUrl,
  MONGODB_URI: endpoints.mongoUri,
  ...(endpoints.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: endpoints.otlpEndpoint } : {}),
});
