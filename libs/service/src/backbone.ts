import type { Server } from 'node:http';
import { createAvroCodec, loadSchemaCatalog, registryReachable, type AvroCodec } from '@tributary/avro';
import { listen } from '@tributary/http';
import {
  createConsumerRunner,
  createEventProducer,
  createKafkaClient,
  createTransactionalEventProducer,
  ensureTopics,
  type ConsumerRunner,
  type ConsumerRunnerOptions,
  type EventProducer,
  type KafkaClientOptions,
  type TopicSpec,
  type TransactionalEventProducer,
} from '@tributary/kafka';
import type { Logger } from '@tributary/logger';
import { connectStore, type Store, type StoreOptions } from '@tributary/store';
import { startTracing, type Tracing, type TracingOptions, type TracingSettings } from '@tributary/tracing';

type Kafka = ReturnType<typeof createKafkaClient>;

/** How the builder reaches Kafka, the registry, the store and the network; tests of its ordering swap in fakes. */
export interface Backbone {
  connectStore(options: StoreOptions): Promise<Store>;
  kafka(options: KafkaClientOptions): Kafka;
  codec(registryUrl: string): AvroCodec;
  ensureTopics(kafka: Kafka, topics: readonly TopicSpec[], logger: Logger): Promise<unknown>;
  transactionalProducer(options: Parameters<typeof createTransactionalEventProducer>[0]): TransactionalEventProducer;
  producer(options: Parameters<typeof createEventProducer>[0]): EventProducer;
  consumer(options: ConsumerRunnerOptions<unknown>): ConsumerRunner;
  listen(app: Parameters<typeof listen>[0], port: number, host: string): Promise<Server>;
  tracing(serviceName: string, settings: TracingSettings, options?: Pick<TracingOptions, 'asyncContext'>): Tracing;
  /** Whether the schema registry answers now (sampled for the dependency_reachable metric). */
  registryReachable(registryUrl: string): Promise<boolean>;
}

export const liveBackbone: Backbone = {
  connectStore,
  kafka: createKafkaClient,
  codec: (registryUrl) => createAvroCodec({ registryUrl, catalog: loadSchemaCatalog() }),
  ensureTopics,
  transactionalProducer: createTransactionalEventProducer,
  producer: createEventProducer,
  consumer: createConsumerRunner,
  listen,
  tracing: startTracing,
  registryReachable: (registryUrl) => registryReachable(registryUrl, 2_000),
};
