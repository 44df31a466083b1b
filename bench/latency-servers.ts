/**
 * Child process of the latency benchmark: every service of the order flow (the same table
 * `tributary start` runs), on fresh topics, groups and database, with the payment gateway
 * simulator answering after GATEWAY_LATENCY_MS; and a control port that measures
 *   POST /kafka-latency?rate=&seconds=  Kafka's own produce-to-consume latency on the same broker.
 * Env: KAFKA_BROKERS, SCHEMA_REGISTRY_URL, MONGODB_URI, BENCH_NAME, GATEWAY_LATENCY_MS.
 */
import { createServer } from 'node:net';
import { freeServicePorts, startOrderFlow, stopOrderFlow } from '@tributary/cli/order-flow';
import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { closeServer, listen } from '@tributary/http';
import { createKafkaClient } from '@tributary/kafka';
import { createLogger } from '@tributary/logger';
import express from 'express';
import { MongoClient } from 'mongodb';
import { serveUntilTerminated } from './child.ts';
import { kafkaLatency } from './kafka-latency.ts';
import { percentile } from './latency.ts';

const name = process.env['BENCH_NAME'] ?? 'bench-latency';
const database = name.replace(/-/g, '_');
const topics = { orders: name, inventory: `${name}-inventory`, payments: `${name}-payments` };

/** A port free now: the payments service must know the gateway's address before the gateway starts. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
const gatewayPort = await freePort();

const env: NodeJS.ProcessEnv = {
  ...process.env,
  MONGODB_DATABASE: database,
  ORDERS_TOPIC: topics.orders,
  INVENTORY_TOPIC: topics.inventory,
  PAYMENTS_TOPIC: topics.payments,
  ORDER_PROJECTOR_GROUP: `${name}-order-projector`,
  INVENTORY_SERVICE_GROUP: `${name}-inventory-service`,
  PAYMENTS_SERVICE_GROUP: `${name}-payments-service`,
  ORDERS_SERVICE_GROUP: `${name}-orders-service`,
  LOG_LEVEL: 'error',
  COMMAND_RATE_LIMIT: '0',
  ...freeServicePorts,
  PAYMENT_GATEWAY_PORT: String(gatewayPort),
  PAYMENT_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}`,
  GATEWAY_LATENCY_MS: process.env['GATEWAY_LATENCY_MS'] ?? '20',
};
const running = await startOrderFlow(env, (message) => process.stderr.write(`${message}\n`));
const urls = Object.fromEntries(running.map(({ name: service, url }) => [service, url]));

const logger = createLogger({ service: 'bench-latency', level: 'error', stream: process.stderr });
const kafka = createKafkaClient({ brokers: (env['KAFKA_BROKERS'] ?? '').split(','), clientId: 'bench-latency', logger });
const codec = createAvroCodec({ registryUrl: env['SCHEMA_REGISTRY_URL'] ?? '', catalog: loadSchemaCatalog() });

const control = express();
control.post('/kafka-latency', (req, res, next) => {
  kafkaLatency({ kafka, codec, topic: `${name}-kafka` }, Number(req.query['rate']), Number(req.query['seconds'])).then(
    (latencies) => res.json({ count: latencies.length, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) }),
    next,
  );
});
const controlServer = await listen(control, 0, '127.0.0.1');
const bound = controlServer.address();

serveUntilTerminated({ urls, control: `http://127.0.0.1:${typeof bound === 'object' && bound ? bound.port : 0}` }, async () => {
  await closeServer(controlServer);
  await stopOrderFlow(running);
  const admin = kafka.admin();
  await admin.connect();
  const ours = (await admin.listTopics()).filter((topic) => topic.startsWith(name));
  await admin.deleteTopics({ topics: ours }).catch(() => undefined);
  await admin.disconnect();
  const mongo = new MongoClient(env['MONGODB_URI'] ?? '', { appName: 'tributary-bench' });
  await mongo.connect();
  await mongo.db(database).dropDatabase().catch(() => undefined);
  await mongo.close();
});
