import { bootstrapAddresses } from './components/kafka-nodes.ts';
import { loopback } from './network.ts';
import type { StackOptions } from './options.ts';

/** What clients of the stack need: the same shape the services read from their environment. */
export interface StackEndpoints {
  /** Every node's address: a client that knows all of them still bootstraps while one is down. */
  kafkaBrokers: string[];
  /** Copies of each partition the platform's topics should have: 3 on a cluster; left out on one node. */
  topicReplicationFactor?: number;
  /** Confluent-compatible API base, as @kafkajs/confluent-schema-registry expects it. */
  registryUrl: string;
  mongoUri: string;
  /** Where services send spans (OTLP over HTTP); only while the stack runs its tracing backend. */
  otlpEndpoint?: string;
  /** Jaeger's UI and query API, likewise. */
  jaegerUrl?: string;
}

/** `tracing`: whether Jaeger is part of this stack, so its addresses are worth handing out. */
export const stackEndpoints = (options: StackOptions, tracing = false): StackEndpoints => ({
  kafkaBrokers: bootstrapAddresses(options),
  ...(options.brokers > 1 ? { topicReplicationFactor: options.brokers } : {}),
  registryUrl: `http://${loopback}:${options.ports.registry}/apis/ccompat/v7`,
  mongoUri: `mongodb://${loopback}:${options.ports.store}`,
  ...(tracing ? { otlpEndpoint: `http://${loopback}:${options.ports.otlpHttp}`, jaegerUrl: `http://${loopback}:${options.ports.jaegerUi}` } : {}),
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
  ...(endpoints.topicReplicationFactor ? { TOPIC_REPLICATION_FACTOR: String(endpoints.topicReplicationFactor) } : {}),
  ...(endpoints.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: endpoints.otlpEndpoint } : {}),
});
