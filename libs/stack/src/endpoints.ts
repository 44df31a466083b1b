import { loopback } from './network.ts';
import type { StackOptions } from './options.ts';

/** What clients of the stack need: the same shape the services read from their environment. */
export interface StackEndpoints {
  kafkaBrokers: string[];
  /** Confluent-compatible API base, as @kafkajs/confluent-schema-registry expects it. */
  registryUrl: string;
  mongoUri: string;
}

export const stackEndpoints = ({ ports }: StackOptions): StackEndpoints => ({
  kafkaBrokers: [`${loopback}:${ports.kafka}`],
  registryUrl: `http://${loopback}:${ports.registry}/apis/ccompat/v7`,
  mongoUri: `mongodb://${loopback}:${ports.store}`,
});

/** The variables the services read (see @tributary/config), so `eval`/`.env` can point them at a stack. */
export const endpointVariables = (endpoints: StackEndpoints): Record<string, string> => ({
  KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
  SCHEMA_REGISTRY_URL: endpoints.registryUrl,
  MONGODB_URI: endpoints.mongoUri,
});
