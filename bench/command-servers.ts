/**
 * Child process of the command benchmark: the orders API on a fresh topic, and beside it a control
 * port that sends the same records with a raw kafkajs producer (POST
 * /raw-sends?count=&concurrency=&perSend=: `perSend` records to a send() call, 1 by default),
 * with the settings our producer uses: idempotent, one request in flight per broker, acks=all.
 * Env: KAFKA_BROKERS, SCHEMA_REGISTRY_URL, MONGODB_URI, BENCH_TOPIC, BENCH_DATABASE, and the OTEL_* tracing settings.
 */
import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { closeServer, listen } from '@tributary/http';
import { createEnvelope, createKafkaClient, envelopeHeaders } from '@tributary/kafka';
import { createLogger } from '@tributary/logger';
import { startOrdersApi } from '@tributary/orders-api';
import { loadOrdersApiSettings } from '@tributary/orders-api/settings';
import express from 'express';
import { serveUntilTerminated } from './child.ts';
import { sampleOrder } from './sample-order.ts';

const env = {
  KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: process.env['SCHEMA_REGISTRY_URL'] ?? '',
  MONGODB_URI: process.env['MONGODB_URI'] ?? '',
  MONGODB_DATABASE: process.env['BENCH_DATABASE'] ?? 'bench_command',
  ORDERS_TOPIC: process.env['BENCH_TOPIC'] ?? 'bench-command',
  ORDERS_API_PORT: '0',
  COMMAND_RATE_LIMIT: '0',
  LOG_LEVEL: 'error',
  // The tracing benchmark runs one child per tracing setting; unset, the API traces as it would by default.
  ...Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('OTEL_') && entry[1] !== undefined)),
};
const logger = createLogger({ service: 'bench-command', level: 'error', stream: process.stderr });
const settings = loadOrdersApiSettings(env);
const ordersApi = await startOrdersApi(settings, logger);

const kafka = createKafkaClient({ brokers: settings.kafkaBrokers, clientId: 'bench-raw', logger });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
await producer.connect();
const codec = createAvroCodec({ registryUrl: settings.schemaRegistryUrl, catalog: loadSchemaCatalog() });
// The records the API would produce (Avro value, key, envelope headers), encoded up front.
const records = await Promise.all(
  Array.from({ length: 256 }, async (_, index) => {
    const payload = sampleOrder(index);
    return { key: payload.orderId, value: await codec.encode(settings.ordersTopic, 'OrderPlaced', payload), headers: envelopeHeaders(createEnvelope('OrderPlaced', 'bench-raw', {})) };
  }),
);

/** `count` records, `perSend` to a send() call, with as many calls in flight as keep `inFlight` records in flight. */
const rawSends = async (count: number, inFlight: number, perSend: number): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const batch = Array.from({ length: Math.min(perSend, count - next) }, (_, index) => records[(next + index) % records.length]).filter((record) => record !== undefined);
      next += batch.length;
      await producer.send({ topic: settings.ordersTopic, acks: -1, messages: batch });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(Math.round(inFlight / perSend), count)) }, worker));
};

const control = express();
control.post('/raw-sends', (req, res, next) => {
  rawSends(Number(req.query['count']), Number(req.query['concurrency']), Number(req.query['perSend'] ?? 1)).then(() => res.status(204).end(), next);
});
const controlServer = await listen(control, 0, '127.0.0.1');
const bound = controlServer.address();

serveUntilTerminated({ ordersApi: ordersApi.url, control: `http://127.0.0.1:${typeof bound === 'object' && bound ? bound.port : 0}` }, async () => {
  await closeServer(controlServer);
  await producer.disconnect();
  await ordersApi.stop();
});
