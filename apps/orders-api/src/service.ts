import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { closeServer, createHttpApp, listen, parseInput } from '@tributary/http';
import { createEventProducer, createKafkaClient, ensureTopics, eventTopic } from '@tributary/kafka';
import { createLogger, type Logger } from '@tributary/logger';
import { createMetricsRegistry, counter } from '@tributary/metrics';
import { stopInOrder, type RunningService } from '@tributary/service';
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
  const kafka = createKafkaClient({ brokers: settings.kafkaBrokers, clientId: serviceName, logger });
  const codec = createAvroCodec({ registryUrl: settings.schemaRegistryUrl, catalog: loadSchemaCatalog() });
  const producer = createEventProducer({ kafka, codec, producerName: serviceName });

  await ensureTopics(kafka, [eventTopic(settings.ordersTopic, settings.topicPartitions, settings.topicReplicationFactor)], logger);
  await producer.connect();

  const app = createHttpApp({
    logger,
    metrics,
    bodyLimit: settings.bodyLimit,
    readiness: { kafka: () => producer.connected },
    routes(router) {
      router.post('/orders', async (req, res) => {
        // Validation happens before anything is produced: a bad body leaves the topic untouched.
        const command = parseInput(placeOrderCommand, req.body);
        const orderId = randomUUID();
        const requestId = res.locals['requestId'] as string;
        await producer.publish(settings.ordersTopic, [
          { key: orderId, eventType: 'OrderPlaced', payload: orderPlaced(command, orderId, new Date()), context: { correlationId: requestId } },
        ]);
        accepted.inc();
        logger.info('order accepted', { orderId, correlationId: requestId });
        res.status(202).location(`/orders/${orderId}`).json({ orderId });
      });
    },
  });

  const server = await listen(app, settings.port, settings.host).catch(async (cause: unknown) => {
    await producer.disconnect();
    throw cause;
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : settings.port;
  logger.info('listening', { url: `http://${settings.host}:${boundPort}` });

  return {
    server,
    url: `http://${settings.host}:${boundPort}`,
    // Stop taking requests first, then let in-flight sends finish as the producer disconnects.
    stop: () => stopInOrder([() => closeServer(server), () => producer.disconnect()]),
  };
};
