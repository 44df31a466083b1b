import type { Server } from 'node:http';
import type { Tracer } from '@opentelemetry/api';
import type { Setting } from '@tributary/config';
import type { ApiDescription, HttpAppOptions, ReadinessChecks } from '@tributary/http';
import type {
  ConsumerRunner,
  ConsumerRunnerOptions,
  ConsumerSettings,
  EventProducer,
  KafkaSecuritySettings,
  TransactionalEventProducer,
} from '@tributary/kafka';
import type { Logger, LogLevel } from '@tributary/logger';
import type { MetricsRegistry } from '@tributary/metrics';
import type { Store } from '@tributary/store';
import type { TracingSettings } from '@tributary/tracing';
import type { RunningService } from './lifecycle.ts';

/**
 * What a service connects to; the builder opens nothing else. A service that consumes and
 * produces gets a transactional producer, so its outputs commit with the offsets they answer; one
 * that only produces (a command API) gets a plain one. Each consumed topic gets its dead-letter topic,
 * and the consumer group its retry topic of it (where redriven records come back to that group alone).
 */
export interface Uses {
  readonly store?: boolean;
  readonly consumes?: readonly string[];
  readonly produces?: readonly string[];
}

interface Consumes {
  readonly consumes: readonly string[];
}
interface Produces {
  readonly produces: readonly string[];
}

/** Read by every service: its log level and where it answers HTTP (with libs/config's httpSettings when it has them). */
export interface HttpServiceSettings extends Partial<TracingSettings> {
  logLevel: LogLevel;
  port: number;
  host: string;
  bodyLimit?: string;
  corsOrigins?: readonly string[];
  /** TRIBUTARY_CONFIG_FILE: settings over the environment, watched and reread on SIGHUP. */
  configFile?: string;
}

export interface StoreSettings {
  mongoUri: string;
  mongoDatabase: string;
  mongoTimeoutMs: number;
}

export interface KafkaSettings extends KafkaSecuritySettings {
  kafkaBrokers: readonly string[];
  schemaRegistryUrl: string;
  topicPartitions: number;
  topicReplicationFactor: number;
}

export interface ConsumingSettings extends ConsumerSettings {
  groupId: string;
}

/** Names the transactional producer across restarts, so a restarted instance fences its predecessor. */
export interface TransactionalSettings {
  instanceId: string;
}

/** The settings a service needs for what it uses (libs/config's groups of the same names). */
export type SettingsFor<U extends Uses> = HttpServiceSettings &
  (U extends { store: true } ? StoreSettings : unknown) &
  (U extends Consumes | Produces ? KafkaSettings : unknown) &
  (U extends Consumes ? ConsumingSettings : unknown) &
  (U extends Consumes & Produces ? TransactionalSettings : unknown);

/** What the builder hands the service's domain: the connections it uses, already open. */
export interface ServiceContext<U extends Uses, S> {
  readonly settings: S;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  /** The service's own tracer, for spans of its domain (an outbound call, a store write). */
  readonly tracer: Tracer;
  readonly store: U extends { store: true } ? Store : undefined;
  readonly producer: U extends Produces ? (U extends Consumes ? TransactionalEventProducer : EventProducer) : undefined;
}

/** A background task sees the running consumer too: tasks start after it and stop before it. */
export interface TaskContext<U extends Uses, S> extends ServiceContext<U, S> {
  readonly consumer: U extends Consumes ? ConsumerRunner : undefined;
}

/** Work beside the consumer (sweepers, timers); started last, stopped first. */
export type BackgroundTask<U extends Uses, S> = (context: TaskContext<U, S>) => { stop(): Promise<void> };

/**
 * The consumer's handler, and any other runner option the service wants. The builder fills in the
 * connections, group, topics and the CONSUMER_* settings, and probes the store when there is one;
 * an option given here wins.
 */
export type ConsumerHandling = Pick<ConsumerRunnerOptions<unknown>, 'handleBatch'> & Partial<ConsumerRunnerOptions<unknown>>;

/** A service's own part: how it handles events and requests, and what it adds to the common endpoints. */
export type ServiceDomain<U extends Uses, E, S = never> = {
  routes?: HttpAppOptions['routes'];
  /** The routes' operations, from the schemas they validate with: served as OpenAPI 3.1 at GET /openapi.json. */
  api?: ApiDescription;
  /** Checks /readyz runs besides the builder's (store, kafka, consumer). */
  readiness?: ReadinessChecks;
  /** Closes what the domain opened; runs after the HTTP server closes, before the producer and the store. */
  close?: () => void | Promise<void>;
  /**
   * Takes settings changed at run time (the settings file): the domain hands the ones it uses on
   * to what reads them (a breaker, a rate limit). The builder applies the log level and the
   * consumer's retry settings itself.
   */
  reconfigure?: (settings: S) => void;
  /** Fields the started service carries besides server, url and stop (for tests and the CLI). */
  exposes?: E;
} & (U extends Consumes ? { consumer: ConsumerHandling } : { consumer?: never });

export interface ServiceDefinition<U extends Uses, S, E> {
  /** Names the service in logs, metrics, the Kafka client and the producer. */
  name: string;
  /**
   * The service's settings spec (its settings.ts), which its settings were loaded by: the settings
   * file is read by the same schemas, and says which settings may change at run time.
   */
  settings: NoInfer<{ readonly [K in keyof S]: Setting }>;
  /** What the service connects to, read from its settings (topic names are settings). */
  uses: (settings: S) => U;
  domain: (context: ServiceContext<U, S>) => ServiceDomain<U, E, S> | Promise<ServiceDomain<U, E, S>>;
  tasks?: readonly BackgroundTask<U, S>[];
}

/** Starts a defined service; without a logger, it logs JSON lines at the settings' level. */
export type StartFunction<S, Service> = (settings: S, logger?: Logger) => Promise<Service>;

export interface StartedService extends RunningService {
  readonly server: Server;
  readonly url: string;
}

export interface ConsumingService extends StartedService {
  readonly consumer: ConsumerRunner;
  readonly consumerJoined: () => boolean;
}

export type Started<U extends Uses, E> = (U extends Consumes ? ConsumingService : StartedService) & E;
