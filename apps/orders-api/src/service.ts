import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { closeServer, commandRateLimit, createHttpApp, listen, parseInput } from '@tributary/http';
import { createEventProducer, createKafkaClient, ensureTopics, eventTopic } from '@tributary/kafka';
import { openSagaStore } from '@tributary/order-saga';
import { connectStore } from '@tributary/store';
import { createLogger, type Logger } from '@tributary/logger';
import { createMetricsRegistry, counter } from '@tributary/metrics';
import { stopInOrder, type RunningService } from '@tributary/service';
import { cancelOrder, cancelOrderCommand, orderIdParams } from './cancel-order.ts';
import { unconfirmed, within } from './deadline.ts';
import { orderPlaced, placeOrderCommand } from './place-order.ts';
import type { OrdersApiSettings } from './settings.ts';

export const serviceName = 'orders-api';

export interface OrdersApi extends RunningService {
  readonly server: Server;
  readonly url: string;
}

export const startOrdersApi = async (settings: OrdersApiSettings, logger: Logger = createLogger({ service: serviceName, level: settings.logLevel })): Promise<OrdersApi> => {
  const metrics = createMetricsRegistry(serviceName);
  const accepted = counter(metrics, 'orders_accepted_total', 'Orders accepted and published as OrderPlaced');
  const cancellations = counter(metrics, 'orders_cancel_requests_total', 'Cancellation requests, by answer', ['outcome']);
  const kafka = createKafkaClient({ brokers: settings.kafkaBrokers, clientId: serviceName, logger, security: settings });
  const codec = createAvroCodec({ registryUrl: settings.schemaRegistryUrl, catalog: loadSchemaCatalog() });
  const producer = createEventProducer({ kafka, codec, producerName: serviceName, metrics });

  // Cancelling asks the saga's record whether the order is final; placing needs only Kafka.
  const store = await connectStore({ uri: settings.mongoUri, database: settings.mongoDatabase, serverSelectionTimeoutMs: settings.mongoTimeoutMs });
  const sagas = openSagaStore(store.db);
  try {
    await ensureTopics(kafka, [eventTopic(settings.ordersTopic, settings.topicPartitions, settings.topicReplicationFactor)], logger);
    await producer.connect();
  } catch (error) {
    await store.close();
    throw error;
  }

  const app = createHttpApp({
    logger,
    metrics,
    bodyLimit: settings.bodyLimit,
    corsOrigins: settings.corsOrigins,
    readiness: { kafka: () => producer.connected, store: () => store.ping() },
    routes(router) {
      const limited = commandRateLimit({ limit: settings.commandRateLimit, windowMs: settings.commandRateWindowMs });
      router.post('/orders', limited, async (req, res) => {
        // Validation happens before anything is produced: a bad body leaves the topic untouched.
        const command = parseInput(placeOrderCommand, req.body);
        const orderId = randomUUID();
        const requestId = res.locals['requestId'] as string;
        const published = await within(
          producer.publish(settings.ordersTopic, [
            { key: orderId, eventType: 'OrderPlaced', payload: orderPlaced(command, orderId, new Date()), context: { correlationId: requestId } },
          ]),
          settings.publishTimeoutMs,
        );
        if (!published.settled) {
          // kafkajs goes on retrying a send it has taken, so the order may still be written after
          // this answer. The id is made here, not by the client, so a retry cannot reuse it; the
          // answer names it instead, and a late write is logged. A late OrderPlaced goes through
          // the flow like any other: the saga and the read models key everything by order id.
          void published.pending.then(() => logger.warn('order published after its request was answered 503', { orderId, correlationId: requestId }), () => undefined);
          throw unconfirmed(`Kafka did not confirm order ${orderId} within ${settings.publishTimeoutMs} ms; it may still be accepted: look it up by its id before placing it again`, { orderId });
        }
        accepted.inc();
        logger.info('order accepted', { orderId, correlationId: requestId });
        res.status(202).location(`/orders/${orderId}`).json({ orderId });
      });
      router.post('/orders/:id/cancel', limited, async (req, res) => {
        const { id } = parseInput(orderIdParams, req.params, 'Path');
        const command = parseInput(cancelOrderCommand, req.body ?? {});
        const requestId = res.locals['requestId'] as string;
        try {
          await cancelOrder({ sagas, producer, ordersTopic: settings.ordersTopic, requestId, now: new Date(), publishTimeoutMs: settings.publishTimeoutMs }, id, command);
        } catch (error) {
          cancellations.inc({ outcome: (error as { code?: string }).code ?? 'INTERNAL' });
          throw error;
        }
        cancellations.inc({ outcome: 'CANCELLED' });
        logger.info('order cancelled', { orderId: id, correlationId: requestId });
        res.status(202).location(`/orders/${id}`).json({ orderId: id, status: 'CANCELLED' });
      });
    },
  });

  const server = await listen(app, settings.port, settings.host).catch(async (cause: unknown) => {
    await producer.disconnect();
    await store.close();
    throw cause;
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : settings.port;
  logger.info('listening', { url: `http://${settings.host}:${boundPort}` });

  return {
    server,
    url: `http://${settings.host}:${boundPort}`,
    // Stop taking requests first, then let in-flight sends finish as the producer disconnects.
    stop: () => stopInOrder([() => closeServer(server), () => producer.disconnect(), () => store.close()]),
  };
};
