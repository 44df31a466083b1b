import type { Server } from 'node:http';
import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { closeServer, createHttpApp, listen } from '@tributary/http';
import {
  createConsumerRunner,
  createKafkaClient,
  createTransactionalEventProducer,
  ensureTopics,
  runnerOptionsFrom,
  serviceTopics,
} from '@tributary/kafka';
import { createLogger, type Logger } from '@tributary/logger';
import { createMetricsRegistry } from '@tributary/metrics';
import { openDeadlineStore, openSagaStore } from '@tributary/order-saga';
import { stopInOrder, type RunningService } from '@tributary/service';
import { connectStore } from '@tributary/store';
import { createSagaHandler } from './saga-handler.ts';
import type { OrdersServiceSettings } from './settings.ts';

export const serviceName = 'orders-service';


export interface OrdersService extends RunningService {
  readonly server: Server;
  readonly url: string;
}

export const startOrdersService = async (
  settings: OrdersServiceSettings,
  logger: Logger = createLogger({ service: serviceName, level: settings.logLevel }),
): Promise<OrdersService> => {
  const metrics = createMetricsRegistry(serviceName);

  const store = await connectStore({ uri: settings.mongoUri, database: settings.mongoDatabase, serverSelectionTimeoutMs: settings.mongoTimeoutMs });
  const sagas = openSagaStore(store.db);
  const deadlines = openDeadlineStore(store.db);
  const kafka = createKafkaClient({ brokers: settings.kafkaBrokers, clientId: serviceName, logger, security: settings });
  const codec = createAvroCodec({ registryUrl: settings.schemaRegistryUrl, catalog: loadSchemaCatalog() });
  const producer = createTransactionalEventProducer({ kafka, codec, producerName: serviceName, instanceId: settings.instanceId });
  // Facts come from all three streams; the decision goes back to the orders stream.
  const sources = [settings.ordersTopic, settings.inventoryTopic, settings.paymentsTopic];
  try {
    await ensureTopics(kafka, serviceTopics({ consumes: sources, produces: [settings.ordersTopic] }, settings), logger);
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
    topics: sources,
    metrics,
    ...runnerOptionsFrom(settings),
    probe: () => store.ping(),
    handleBatch: createSagaHandler({
      context: { sagas, deadlines, decidedBy: serviceName, deadlineMs: settings.orderDeadlineMs, now: () => new Date() },
      producer,
      groupId: settings.groupId,
      ordersTopic: settings.ordersTopic,
      logger,
      metrics,
    }),
  });

  const app = createHttpApp({
    logger,
    metrics,
    readiness: { store: () => store.ping(), kafka: () => producer.connected, consumer: () => consumer.readiness() },
    routes: () => undefined,
  });
  const server = await listen(app, settings.port, settings.host);
  await consumer.start();
  const address = server.address();
  const url = `http://${settings.host}:${typeof address === 'object' && address ? address.port : settings.port}`;
  logger.info('deciding orders', { topics: sources, groupId: settings.groupId, url });

  return {
    server,
    url,
    stop: () => stopInOrder([() => consumer.stop(), () => closeServer(server), () => producer.disconnect(), () => store.close()]),
  };
};
