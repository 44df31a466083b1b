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
import { createBreaker, type Breaker } from '@tributary/resilience';
import { stopInOrder, type RunningService } from '@tributary/service';
import { createGatewayClient, type GatewayAnswer, type PaymentRequest } from './gateway-client.ts';
import { createPaymentHandler } from './handler.ts';
import type { PaymentsServiceSettings } from './settings.ts';

export const serviceName = 'payments-service';

/** How often a partition paused by the open breaker asks whether it may resume: soon after the breaker half-opens. */
const breakerProbeIntervalMs = 500;

export interface PaymentsService extends RunningService {
  readonly server: Server;
  readonly url: string;
  readonly breaker: Breaker<[string, PaymentRequest], GatewayAnswer>;
  readonly consumerJoined: () => boolean;
}

export const startPaymentsService = async (
  settings: PaymentsServiceSettings,
  logger: Logger = createLogger({ service: serviceName, level: settings.logLevel }),
): Promise<PaymentsService> => {
  const metrics = createMetricsRegistry(serviceName);
  const kafka = createKafkaClient({ brokers: settings.kafkaBrokers, clientId: serviceName, logger, security: settings });
  const codec = createAvroCodec({ registryUrl: settings.schemaRegistryUrl, catalog: loadSchemaCatalog() });
  await ensureTopics(kafka, serviceTopics({ consumes: [settings.inventoryTopic], produces: [settings.paymentsTopic] }, settings), logger);

  const client = createGatewayClient({ baseUrl: settings.gatewayUrl, timeoutMs: settings.gatewayTimeoutMs });
  const breaker = createBreaker({
    name: 'payment-gateway',
    action: (idempotencyKey: string, request: PaymentRequest) => client.authorize(idempotencyKey, request),
    timeoutMs: settings.gatewayTimeoutMs,
    errorThresholdPercentage: settings.breakerErrorThresholdPercent,
    rollingWindowMs: settings.breakerRollingWindowMs,
    volumeThreshold: settings.breakerVolumeThreshold,
    resetTimeoutMs: settings.breakerResetTimeoutMs,
    metrics,
    logger,
  });
  const producer = createTransactionalEventProducer({ kafka, codec, producerName: serviceName, instanceId: settings.instanceId });
  const consumer = createConsumerRunner<unknown>({
    kafka,
    codec,
    logger,
    groupId: settings.groupId,
    topics: [settings.inventoryTopic],
    metrics,
    ...runnerOptionsFrom(settings),
    // An open breaker pauses partitions (CIRCUIT_OPEN); they resume once it lets a probe call through.
    probe: () => Promise.resolve(breaker.allowsCalls()),
    probeIntervalMs: breakerProbeIntervalMs,
    handleBatch: createPaymentHandler({
      breaker,
      producer,
      groupId: settings.groupId,
      paymentsTopic: settings.paymentsTopic,
      concurrency: settings.gatewayConcurrency,
      logger,
      metrics,
    }),
  });

  const app = createHttpApp({ logger, metrics, readiness: { consumer: () => consumer.readiness() }, routes: () => undefined });
  let server: Server | undefined;
  try {
    await producer.connect();
    server = await listen(app, settings.port, settings.host);
    await consumer.start();
  } catch (error) {
    const started = server;
    await stopInOrder([() => consumer.stop(), () => (started ? closeServer(started) : Promise.resolve()), () => producer.disconnect()]).catch(() => undefined);
    breaker.shutdown();
    throw error;
  }
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : settings.port;
  const url = `http://${settings.host}:${boundPort}`;
  logger.info('charging reserved orders', { topic: settings.inventoryTopic, groupId: settings.groupId, gateway: settings.gatewayUrl, url });

  return {
    server,
    url,
    breaker,
    consumerJoined: () => consumer.joined,
    // The batch in hand finishes (its transaction commits) before the producer and breaker go.
    stop: () => stopInOrder([() => consumer.stop(), () => closeServer(server), () => producer.disconnect(), () => Promise.resolve(breaker.shutdown())]),
  };
};
