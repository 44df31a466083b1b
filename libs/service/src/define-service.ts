import { closeServer, createHttpApp, type ApiDescription, type ReadinessChecks } from '@tributary/http';
import { runnerOptionsFrom, serviceTopics, withRetryTopics, type ConsumerRunner, type EventProducer, type TransactionalEventProducer } from '@tributary/kafka';
import { createLogger, type Logger } from '@tributary/logger';
import { createMetricsRegistry, type MetricsRegistry } from '@tributary/metrics';
import type { Store, StoreOptions } from '@tributary/store';
import type { Settings, SettingsSpec } from '@tributary/config';
import type { TracingSettings } from '@tributary/tracing';
import type { Tracer } from '@opentelemetry/api';
import { liveBackbone, type Backbone } from './backbone.ts';
import type {
  ConsumerHandling,
  ConsumingSettings,
  HttpServiceSettings,
  KafkaSettings,
  ServiceDefinition,
  SettingsFor,
  Started,
  StartFunction,
  StoreSettings,
  TransactionalSettings,
  Uses,
} from './definition.ts';
import { probeDependencies } from './probes.ts';
import { openSettings, type SettingsReloads } from './reloads.ts';
import { createTeardown } from './teardown.ts';

/**
 * The definition as the builder reads it, once, where defineService hands it over: the public
 * types have made sure a service has the settings and gives the consumer for what it uses, so from
 * here on each setting is read only by the piece that needs it.
 */
interface Opened {
  settings: HttpServiceSettings & StoreSettings & KafkaSettings & ConsumingSettings & TransactionalSettings;
  logger: Logger;
  metrics: MetricsRegistry;
  tracer: Tracer;
  store: Store | undefined;
  producer: TransactionalEventProducer | EventProducer | undefined;
  consumer: ConsumerRunner | undefined;
}

interface Domain {
  consumer?: ConsumerHandling;
  routes?: (app: Parameters<Backbone['listen']>[0]) => void;
  api?: ApiDescription;
  readiness?: ReadinessChecks;
  close?: () => void | Promise<void>;
  reconfigure?: (settings: Opened['settings']) => void;
  exposes?: object;
}

interface Definition {
  name: string;
  settings: SettingsSpec;
  uses: (settings: Opened['settings']) => Uses;
  domain: (context: Omit<Opened, 'consumer'>) => Domain | Promise<Domain>;
  tasks?: readonly ((context: Opened) => { stop(): Promise<void> })[];
}

/**
 * Defines a service by what it uses and its domain, and returns the function that starts it.
 * Start-up runs in one order: store, topics, producer, domain, HTTP server, consumer, background
 * tasks. A consumer reads its group's retry topic of each topic it consumes too. Stop runs it
 * backwards (tasks; the consumer stops fetching and commits the batch in hand; the HTTP server;
 * the domain's own resources; the producer; the store), and a start that fails half-way closes
 * what it had opened the same way.
 */
export const defineService =
  <S extends SettingsFor<U>, const U extends Uses, E extends object = object>(definition: ServiceDefinition<U, S, E>, backbone: Backbone = liveBackbone): StartFunction<S, Started<U, E>> =>
  (settings, logger) =>
    start(definition as unknown as Definition, settings as unknown as Opened['settings'], logger, backbone) as Promise<Started<U, E>>;

const start = async ({ name, settings: spec, uses: usesOf, domain: makeDomain, tasks = [] }: Definition, base: Opened['settings'], given: Logger | undefined, backbone: Backbone) => {
  const logger = given ?? createLogger({ service: name, level: base.logLevel });
  const metrics = createMetricsRegistry(name);
  // The settings file is read before anything connects: a bad one stops the start, as a bad variable does.
  const reloads = await openSettings({ service: name, spec, base: base as unknown as Settings<SettingsSpec>, file: base.configFile, logger, metrics });
  const settings = reloads.current as unknown as Opened['settings'];
  if (settings.logLevel !== base.logLevel) logger.level = settings.logLevel;
  const uses = usesOf(settings);
  const teardown = createTeardown();
  // Added first, so it runs last: every span of the stop itself is exported before the process ends.
  // A service that only answers HTTP hands its request spans on explicitly (requestTrace in
  // libs/http), so it is spared the async hooks that tracking async context costs every promise.
  const tracing = backbone.tracing(name, tracingSettingsOf(settings), { asyncContext: uses.consumes !== undefined || tasks.length > 0 });
  const { tracer } = tracing;
  teardown.add(() => tracing.shutdown());
  try {
    const store = uses.store ? await backbone.connectStore(storeOptionsFrom(settings)) : undefined;
    if (store) teardown.add(() => store.close());
    const { consumes, produces } = uses;
    const kafka = consumes || produces ? { kafka: backbone.kafka({ brokers: settings.kafkaBrokers, clientId: name, logger, security: settings }), codec: backbone.codec(settings.schemaRegistryUrl) } : undefined;
    // A consumer's retry topics are where `tributary dlq redrive` sends back what its group parked.
    if (kafka) await backbone.ensureTopics(kafka.kafka, serviceTopics({ consumes: consumes ?? [], produces, groupId: settings.groupId }, settings), logger);
    const producer = !kafka || !produces ? undefined : consumes ? backbone.transactionalProducer({ ...kafka, producerName: name, instanceId: settings.instanceId, tracer, metrics }) : backbone.producer({ ...kafka, producerName: name, metrics, tracer });
    if (producer) {
      teardown.add(() => producer.disconnect());
      await producer.connect();
    }
    const domain = await makeDomain({ settings, logger, metrics, tracer, store, producer });
    if (domain.close) teardown.add(domain.close);
    const consumer = kafka && consumes && domain.consumer ? backbone.consumer({ ...kafka, ...consumerOptions({ settings, logger, metrics, tracer, store }, consumes), ...domain.consumer }) : undefined;
    const readiness = readinessOf(store, producer, consumer, domain.readiness);
    probeDependencies(metrics, { store, registryUrl: kafka ? settings.schemaRegistryUrl : undefined, registryReachable: (url) => backbone.registryReachable(url) });
    // A service without routes of its own still documents the common endpoints.
    const api = domain.api ?? { title: `Tributary ${name}`, version: '0.1.0', operations: [] };
    const app = createHttpApp({ logger, metrics, tracer, readiness, readinessDetails: () => ({ settings: settingsDetails(reloads) }), bodyLimit: settings.bodyLimit, corsOrigins: settings.corsOrigins, routes: domain.routes ?? (() => undefined), api });
    const server = await backbone.listen(app, settings.port, settings.host);
    teardown.add(() => closeServer(server));
    if (consumer) {
      // Added before it starts: a start that fails half-way has connected clients to close.
      teardown.add(() => consumer.stop());
      await consumer.start();
    }
    for (const task of tasks) {
      const running = task({ settings, logger, metrics, tracer, store, producer, consumer });
      teardown.add(() => running.stop());
    }
    // Watched last and stopped first: a change never reaches a service that is starting or stopping.
    reloads.watch(applyChanges(logger, consumer, domain));
    teardown.add(() => reloads.stop());
    const address = server.address();
    const url = `http://${settings.host}:${typeof address === 'object' && address ? address.port : settings.port}`;
    logger.info('started', { url, ...(consumes ? { consumes, groupId: settings.groupId } : {}), ...(produces ? { produces } : {}) });
    return { ...domain.exposes, server, url, ...(consumer ? { consumer, consumerJoined: () => consumer.joined } : {}), stop: () => teardown.run() };
  } catch (error) {
    await teardown.run().catch((cause: unknown) => logger.warn('closing after a failed start failed too', { error: (cause as Error).message }));
    throw error;
  }
};

/** What the builder gives every consumer: connections, group, topics (with the group's retry topics) and the CONSUMER_* settings. */
const consumerOptions = ({ settings, logger, metrics, tracer, store }: Pick<Opened, 'settings' | 'logger' | 'metrics' | 'tracer' | 'store'>, consumes: readonly string[]) => ({
  logger,
  metrics,
  groupId: settings.groupId,
  topics: withRetryTopics(consumes, settings.groupId),
  tracer,
  ...runnerOptionsFrom(settings),
  // While the store is down, partitions wait paused instead of spinning on retries.
  ...(store ? { probe: () => store.ping() } : {}),
});

const readinessOf = (store: Store | undefined, producer: Opened['producer'], consumer: ConsumerRunner | undefined, own: ReadinessChecks | undefined): ReadinessChecks => ({
  ...(store ? { store: () => store.ping() } : {}),
  ...(producer ? { kafka: () => producer.connected } : {}),
  ...(consumer ? { consumer: () => consumer.readiness() } : {}),
  ...own,
});

const settingsDetails = (reloads: SettingsReloads) => ({ version: reloads.version, ...(reloads.file === undefined ? {} : { file: reloads.file }) });

/** Hands settings changed at run time to what reads them: the logger, the consumer's retries, the domain. */
const applyChanges =
  (logger: Logger, consumer: ConsumerRunner | undefined, domain: Domain) =>
  (values: Settings<SettingsSpec>, changed: readonly string[]): void => {
    const next = values as unknown as Opened['settings'];
    if (changed.includes('logLevel')) logger.level = next.logLevel;
    if (consumer && changed.some((key) => key.startsWith('consumerRetry'))) consumer.reconfigure({ retry: runnerOptionsFrom(next).retry });
    domain.reconfigure?.(next);
  };

const storeOptionsFrom = (settings: StoreSettings): StoreOptions => ({ uri: settings.mongoUri, database: settings.mongoDatabase, serverSelectionTimeoutMs: settings.mongoTimeoutMs });

/** The OTEL_* settings, with the SDK's defaults for a service whose settings leave them out. */
const tracingSettingsOf = (settings: Partial<TracingSettings>): TracingSettings => ({
  otelSdkDisabled: settings.otelSdkDisabled ?? false,
  otelExporterOtlpEndpoint: settings.otelExporterOtlpEndpoint,
  otelServiceName: settings.otelServiceName,
  otelTracesSampler: settings.otelTracesSampler ?? 'parentbased_always_on',
  otelTracesSamplerArg: settings.otelTracesSamplerArg ?? 1,
});
