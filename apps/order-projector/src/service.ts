import type { Server } from 'node:http';
import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { closeServer, createHttpApp, listen } from '@tributary/http';
import {
  type ConsumedEvent,
  createConsumerRunner,
  createKafkaClient,
  ensureTopics,
  runnerOptionsFrom,
  serviceTopics,
} from '@tributary/kafka';
import { createLogger, type Logger } from '@tributary/logger';
import { counter, createMetricsRegistry, histogram } from '@tributary/metrics';
import {
  customerSummariesCollection,
  customerSummaryProjection,
  isOrderViewEventType,
  orderViewIndexes,
  orderViewProjection,
  orderViewsCollection,
  type CustomerSummary,
  type OrderEvent,
  type OrderView,
} from '@tributary/order-views';
import { stopInOrder, type RunningService } from '@tributary/service';
import { connectStore, createAliasResolver, ensureCollection, openReadModel, type Projection, type ReadModel } from '@tributary/store';
import { ensureIndexes } from './indexes.ts';
import type { OrderProjectorSettings } from './settings.ts';

export const serviceName = 'order-projector';

export interface OrderProjector extends RunningService {
  readonly server: Server;
  readonly consumerJoined: () => boolean;
}

/**
 * Kafka position plus decoded payload: the shape the pure order projection folds. The codec decoded
 * the payload into the reader schema of its event type, so the type's shape is guaranteed by Avro.
 */
const toOrderEvent = (consumed: ConsumedEvent<unknown>): OrderEvent | undefined => {
  const { topic, partition, offset, event } = consumed;
  if (!isOrderViewEventType(event.eventType)) return undefined;
  return { topic, partition, offset, eventType: event.eventType, payload: event.payload } as OrderEvent;
};

export const startOrderProjector = async (
  settings: OrderProjectorSettings,
  logger: Logger = createLogger({ service: serviceName, level: settings.logLevel }),
): Promise<OrderProjector> => {
  const metrics = createMetricsRegistry(serviceName);
  const applied = counter(metrics, 'projector_events_applied_total', 'Events applied to read models', ['projection']);
  const duplicates = counter(metrics, 'projector_events_duplicate_total', 'Redelivered events recognised and ignored', ['projection']);
  const applyDuration = histogram(metrics, 'projector_apply_duration_seconds', 'Time to fold and write one batch into a read model', ['projection']);

  /** A batch applier for one read model, its metrics labelled with the model's collection name. */
  const projectInto = <V>(readModel: ReadModel<V>, name: string, projection: Projection<V, OrderEvent>) => {
    return async (events: readonly OrderEvent[]): Promise<void> => {
      if (events.length === 0) return;
      // The read model lets writers of one document take turns, so batches of different partitions stay safe.
      const end = applyDuration.startTimer({ projection: name });
      const stats = await readModel.apply(events, projection).finally(end);
      applied.inc({ projection: name }, stats.applied);
      duplicates.inc({ projection: name }, stats.duplicates);
    };
  };

  const store = await connectStore({ uri: settings.mongoUri, database: settings.mongoDatabase, serverSelectionTimeoutMs: settings.mongoTimeoutMs });
  // A replay switches a read model to its rebuilt copy through the alias; writes follow within its TTL.
  const resolveName = createAliasResolver(store.db);
  const projectOrderViews = projectInto(openReadModel<OrderView>(store.db, orderViewsCollection, { resolveName }), orderViewsCollection, orderViewProjection);
  const projectSummaries = projectInto(openReadModel<CustomerSummary>(store.db, customerSummariesCollection, { resolveName }), customerSummariesCollection, customerSummaryProjection);
  const kafka = createKafkaClient({ brokers: settings.kafkaBrokers, clientId: serviceName, logger, security: settings });
  const codec = createAvroCodec({ registryUrl: settings.schemaRegistryUrl, catalog: loadSchemaCatalog() });
  // The order view is built from all three streams; each order's events share its id as key.
  const sources = [settings.ordersTopic, settings.inventoryTopic, settings.paymentsTopic];
  try {
    // Summaries are read by _id only; the order lists need their indexes.
    await ensureIndexes(store.db, await resolveName(orderViewsCollection), orderViewIndexes, logger);
    await ensureCollection(store.db, await resolveName(customerSummariesCollection));
    await ensureTopics(kafka, serviceTopics({ consumes: sources }, settings), logger);
  } catch (error) {
    await store.close();
    throw error;
  }

  const consumer = createConsumerRunner<unknown>({
    kafka,
    codec,
    logger,
    groupId: settings.groupId,
    topics: sources,
    metrics,
    ...runnerOptionsFrom(settings),
    // While the store is down, partitions wait paused instead of spinning on retries.
    probe: () => store.ping(),
    async handleBatch(events) {
      const orderEvents = events.map(toOrderEvent).filter((event) => event !== undefined);
      // Both writes settle before the batch fails, so a retry never races a write still in flight;
      // whichever model did write recognises the retried events by their positions.
      const results = await Promise.allSettled([
        projectOrderViews(orderEvents),
        projectSummaries(orderEvents.filter((event) => event.topic === settings.ordersTopic)),
      ]);
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    },
  });

  const app = createHttpApp({
    logger,
    metrics,
    readiness: { store: () => store.ping(), consumer: () => consumer.readiness() },
    routes: () => undefined,
  });
  const server = await listen(app, settings.port, settings.host);
  await consumer.start();
  logger.info('projecting', { topics: sources, groupId: settings.groupId });

  return {
    server,
    consumerJoined: () => consumer.joined,
    // Stop fetching and finish the batch in hand (its offsets commit), then close the store.
    stop: () => stopInOrder([() => consumer.stop(), () => closeServer(server), () => store.close()]),
  };
};
