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
import { openSagaStore } from '@tributary/order-saga';
import { stopInOrder, type RunningService } from '@tributary/service';
import { connectStore } from '@tributary/store';
import { sagaStep } from './saga-step.ts';
import type { OrdersServiceSettings } from './settings.ts';

export const serviceName = 'orders-service';

/** Orders of one batch handled at once; each order's own events stay in order. */
const orderConcurrency = 16;

export interface OrdersService extends RunningService {
  readonly server: Server;
  readonly url: string;
}

export const startOrdersService = async (
  settings: OrdersServiceSettings,
  logger: Logger = createLogger({ service: serviceName, level: settings.logLevel }),
): Promise<OrdersService> => {
  const metrics = createMetricsRegistry(serviceName);
  const decisions = counter(metrics, 'saga_decisions_total', 'Orders made final by the saga, by outcome', ['outcome']);

  const store = await connectStore({ uri: settings.mongoUri, database: settings.mongoDatabase, serverSelectionTimeoutMs: settings.mongoTimeoutMs });
  const sagas = openSagaStore(store.db);
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
    async handleBatch(events) {
      const outputs = await handlePerKey(events, orderConcurrency, async (consumed) => {
        const output = await sagaStep(sagas, consumed, serviceName, () => new Date());
        return output ? [output] : [];
      });
      // The decisions and the positions they were made at become visible together, or not at all.
      await producer.publishAndCommit([{ topic: settings.ordersTopic, events: outputs }], { groupId: settings.groupId, positions: positionsOf(events) });
      for (const output of outputs) {
        decisions.inc({ outcome: output.eventType });
        logger.info('order decided', { orderId: output.key, outcome: output.eventType, correlationId: output.context?.correlationId });
      }
    },
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
