import type { Server } from 'node:http';
import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { closeServer, createHttpApp, listen } from '@tributary/http';
import {
  createConsumerRunner,
  createKafkaClient,
  createTransactionalEventProducer,
  ensureTopics,
  handlePerKey,
  positionsOf,
  runnerOptionsFrom,
  serviceTopics,
} from '@tributary/kafka';
import { createLogger, type Logger } from '@tributary/logger';
import { counter, createMetricsRegistry } from '@tributary/metrics';
import { stopInOrder, type RunningService } from '@tributary/service';
import { connectStore } from '@tributary/store';
import { createInventory } from './inventory.ts';
import { openReservations } from './reservations.ts';
import type { InventoryServiceSettings } from './settings.ts';
import { stockRoutes } from './stock-routes.ts';

export { createInventory, type Inventory, type InventoryObserver, type InventoryOptions } from './inventory.ts';
export { openReservations, reservationsCollection, type ReservationStore } from './reservations.ts';
export type { Reservation, ReservationStatus } from './reservation.ts';

export const serviceName = 'inventory-service';

/** Orders of one batch handled at once; each order's own events stay in order. */
const orderConcurrency = 16;

export interface InventoryService extends RunningService {
  readonly server: Server;
  readonly url: string;
  readonly consumerJoined: () => boolean;
}

export const startInventoryService = async (
  settings: InventoryServiceSettings,
  logger: Logger = createLogger({ service: serviceName, level: settings.logLevel }),
): Promise<InventoryService> => {
  const metrics = createMetricsRegistry(serviceName);
  const reservationsTotal = counter(metrics, 'inventory_reservations_total', 'Orders decided, by outcome (reserved: every line held; rejected: some line short)', ['outcome']);
  const releasesTotal = counter(metrics, 'inventory_releases_total', 'Reservations given back because the order was cancelled or rejected');
  const confirmationsTotal = counter(metrics, 'inventory_confirmations_total', 'Reservations made final by a confirmed order');
  const conflictsTotal = counter(metrics, 'inventory_stock_conflicts_total', 'Stock changes that lost a race to another writer and were decided again');
  const stockOptions = { onConflict: () => conflictsTotal.inc() };

  const store = await connectStore({ uri: settings.mongoUri, database: settings.mongoDatabase, serverSelectionTimeoutMs: settings.mongoTimeoutMs });
  const inventory = createInventory({
    db: store.db,
    reservations: openReservations(store.db),
    observer: {
      decided: (outcome) => reservationsTotal.inc({ outcome }),
      released: () => releasesTotal.inc(),
      confirmed: () => confirmationsTotal.inc(),
      conflict: stockOptions.onConflict,
    },
  });
  const kafka = createKafkaClient({ brokers: settings.kafkaBrokers, clientId: serviceName, logger, security: settings });
  const codec = createAvroCodec({ registryUrl: settings.schemaRegistryUrl, catalog: loadSchemaCatalog() });
  const producer = createTransactionalEventProducer({ kafka, codec, producerName: serviceName, instanceId: settings.instanceId });
  try {
    await ensureTopics(kafka, serviceTopics({ consumes: [settings.ordersTopic], produces: [settings.inventoryTopic] }, settings), logger);
    await producer.connect();
  } catch (error) {
    await store.close();
    throw error;
  }

  const consumer = createConsumerRunner<unknown>({
    kafka,
    codec,
    logger,
    groupId: settings.groupId,
    topics: [settings.ordersTopic],
    metrics,
    ...runnerOptionsFrom(settings),
    // While the store is down, partitions wait paused instead of spinning on retries.
    probe: () => store.ping(),
    async handleBatch(events) {
      const outputs = await handlePerKey(events, orderConcurrency, (consumed) => inventory.handle(consumed));
      // The stock answers and the positions they answer become visible together, or not at all.
      await producer.publishAndCommit([{ topic: settings.inventoryTopic, events: outputs }], { groupId: settings.groupId, positions: positionsOf(events) });
    },
  });

  const app = createHttpApp({
    logger,
    metrics,
    readiness: { store: () => store.ping(), kafka: () => producer.connected, consumer: () => consumer.readiness() },
    routes: stockRoutes(store.db, stockOptions),
  });
  const server = await listen(app, settings.port, settings.host).catch(async (cause: unknown) => {
    await Promise.allSettled([producer.disconnect(), store.close()]);
    throw cause;
  });
  await consumer.start();
  const address = server.address();
  const url = `http://${settings.host}:${typeof address === 'object' && address ? address.port : settings.port}`;
  logger.info('reserving stock', { topic: settings.ordersTopic, answersTo: settings.inventoryTopic, groupId: settings.groupId, url });

  return {
    server,
    url,
    consumerJoined: () => consumer.joined,
    // Stop fetching and finish the batch in hand (its transaction commits), then close the rest.
    stop: () => stopInOrder([() => consumer.stop(), () => closeServer(server), () => producer.disconnect(), () => store.close()]),
  };
};
