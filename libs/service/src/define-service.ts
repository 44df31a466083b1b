import { closeServer, createHttpApp, type ReadinessChecks } from '@tributary/http';
import { runnerOptionsFrom, serviceTopics, withRetryTopics, type ConsumerRunner, type EventProducer, type TransactionalEventProducer } from '@tributary/kafka';
import { createLogger, type Logger } from '@tributary/logger';
import { createMetricsRegistry, type MetricsRegistry } from '@tributary/metrics';
import type { Store, StoreOptions } from '@tributary/store';
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
  readiness?: ReadinessChecks;
  close?: () => void | Promise<void>;
  exposes?: object;
}
interface Definition {
  name: string;
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

const start = async ({ name, uses: usesOf, domain: makeDomain, tasks = [] }: Definition, settings: Opened['settings'], given: Logger | undefined, backbone: Backbone) => {
  const logger = given ?? createLogger({ service: name, level: settings.logLevel });
  const uses = usesOf(settings);
  const metrics = createMetricsRegistry(name);
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
    const producer = !kafka || !produces ? undefined : consumes ? backbone.transactionalProducer({ ...kafka, producerName: name, instanceId: settings.instanceId, tracer }) : backbone.producer({ ...kafka, producerName: name, metrics, tracer });
    if (producer) {
      teardown.add(() => producer.disconnect());
      await producer.connect();
    }

    const domain = await makeDomain({ settings, logger, metrics, tracer, store, producer });
    if (domain.close) teardown.add(domain.close);
    const consumer =
      kafka && consumes && domain.consumer
        ? backbone.consumer({
            ...kafka,
            logger,
            metrics,
            groupId: settings.groupId,
            topics: withRetryTopics(consumes, settings.groupId),
            tracer,
            ...runnerOptionsFrom(settings),
            // While the store is down, partitions wait paused instead of spinning on retries.
            ...(store ? { probe: () => store.ping() } : {}),
            ...domain.consumer,
          })
        : undefined;

    const readiness: ReadinessChecks = {
      ...(store ? { store: () => store.ping() } : {}),
      ...(producer ? { kafka: () => producer.connected } : {}),
      ...(consumer ? { consumer: () => consumer.readiness() } : {}),
      ...domain.readiness,
    };
    const app = createHttpApp({ logger, metrics, tracer, readiness, bodyLimit: settings.bodyLimit, corsOrigins: settings.corsOrigins, routes: domain.routes ?? (() => undefined) });
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

    const address = server.address();
    const url = `http://${settings.host}:${typeof address === 'object' && address ? address.port : settings.port}`;
    logger.info('started', { url, ...(consumes ? { consumes, groupId: settings.groupId } : {}), ...(produces ? { produces } : {}) });
    return {
      ...domain.exposes,
      server,
      url,
      ...(consumer ? { consumer, consumerJoined: () => consumer.joined } : {}),
      stop: () => teardown.run(),
    };
  } catch (error) {
    await teardown.run().catch((cause: unknown) => logger.warn('closing after a failed start failed too', { error: (cause as Error).message }));
    throw error;
  }
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
