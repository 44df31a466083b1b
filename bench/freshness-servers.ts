/**
 * Child process of the freshness benchmark: the orders API and the order projector on a fresh
 * topic and database, and a control port that measures
 *   POST /capacity?events=N         the projector's capacity (events/s) on N pre-produced orders;
 *   POST /kafka-latency?rate=&seconds=  Kafka's own produce-to-consume latency at that rate.
 * Env: KAFKA_BROKERS, SCHEMA_REGISTRY_URL, MONGODB_URI, BENCH_NAME.
 */
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { closeServer, listen } from '@tributary/http';
import { createEventProducer, createKafkaClient, ensureTopics, eventTopic } from '@tributary/kafka';
import { createLogger } from '@tributary/logger';
import { startOrderProjector } from '@tributary/order-projector';
import { loadOrderProjectorSettings } from '@tributary/order-projector/settings';
import { orderViewsCollection } from '@tributary/order-views';
import { startOrdersApi } from '@tributary/orders-api';
import { loadOrdersApiSettings } from '@tributary/orders-api/settings';
import express from 'express';
import { MongoClient } from 'mongodb';
import { serveUntilTerminated } from './child.ts';
import { kafkaLatency } from './kafka-latency.ts';
import { percentile } from './latency.ts';
import { sampleOrder } from './sample-order.ts';

const name = process.env['BENCH_NAME'] ?? 'bench-freshness';
const backbone = {
  KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: process.env['SCHEMA_REGISTRY_URL'] ?? '',
  MONGODB_URI: process.env['MONGODB_URI'] ?? '',
  LOG_LEVEL: 'error',
  COMMAND_RATE_LIMIT: '0',
  ORDERS_API_PORT: '0',
  ORDER_PROJECTOR_PORT: '0',
};
const namesFor = (suffix: string) => ({
  ORDERS_TOPIC: `${name}-${suffix}`,
  INVENTORY_TOPIC: `${name}-${suffix}-inventory`,
  PAYMENTS_TOPIC: `${name}-${suffix}-payments`,
  ORDER_PROJECTOR_GROUP: `${name}-${suffix}-projector`,
  MONGODB_DATABASE: `${name}_${suffix}`.replace(/-/g, '_'),
});
const logger = createLogger({ service: 'bench-freshness', level: 'error', stream: process.stderr });
const kafka = createKafkaClient({ brokers: backbone.KAFKA_BROKERS.split(','), clientId: 'bench-freshness', logger });
const codec = createAvroCodec({ registryUrl: backbone.SCHEMA_REGISTRY_URL, catalog: loadSchemaCatalog() });
const mongo = new MongoClient(backbone.MONGODB_URI, { appName: 'tributary-bench' });
await mongo.connect();

// The subject: POST /orders, projected into the read model the bench process polls.
const live = { ...backbone, ...namesFor('live') };
const projector = await startOrderProjector(loadOrderProjectorSettings(live), logger);
const ordersApi = await startOrdersApi(loadOrdersApiSettings(live), logger);

const stallMs = 60_000;

/** Projection capacity: events per second from the first projected view to the last. */
const capacity = async (events: number): Promise<number> => {
  const names = { ...backbone, ...namesFor('capacity') };
  await ensureTopics(kafka, [eventTopic(names.ORDERS_TOPIC, 6, 1)]);
  const producer = createEventProducer({ kafka, codec, producerName: 'bench' });
  await producer.connect();
  for (let start = 0; start < events; start += 1_000) {
    const orders = Array.from({ length: Math.min(1_000, events - start) }, (_, i) => sampleOrder(start + i));
    await producer.publish(names.ORDERS_TOPIC, orders.map((payload) => ({ key: payload.orderId, eventType: 'OrderPlaced', payload })));
  }
  await producer.disconnect();
  const views = mongo.db(names.MONGODB_DATABASE).collection(orderViewsCollection);
  const running = await startOrderProjector(loadOrderProjectorSettings(names), logger);
  try {
    let first: { at: number; count: number } | undefined;
    let reported = Date.now();
    let last = { at: Date.now(), count: 0 };
    for (;;) {
      const count = await views.countDocuments();
      if (Date.now() - reported > 10_000) {
        reported = Date.now();
        process.stderr.write(`[bench] freshness: capacity run projected ${count} of ${events}\n`);
      }
      if (count !== last.count) last = { at: Date.now(), count };
      // A projector that stops short must fail the benchmark, not hang it.
      if (Date.now() - last.at > stallMs) throw new Error(`the projector stalled: ${count} of ${events} events projected, none for ${stallMs / 1000} s`);
      if (count > 0) first ??= { at: Date.now(), count };
      if (first && count >= events) return (events - first.count) / Math.max(0.001, (Date.now() - first.at) / 1000);
      await sleep(100);
    }
  } finally {
    // A stalled projector may never finish its batch; the measurement must end regardless.
    await Promise.race([running.stop(), sleep(10_000)]);
    await mongo.db(names.MONGODB_DATABASE).dropDatabase().catch(() => undefined);
  }
};

const control = express();
control.post('/capacity', (req, res, next) => {
  capacity(Number(req.query['events'])).then((eventsPerSecond) => res.json({ eventsPerSecond }), next);
});
control.post('/kafka-latency', (req, res, next) => {
  kafkaLatency({ kafka, codec, topic: `${name}-kafka` }, Number(req.query['rate']), Number(req.query['seconds'])).then((latencies) => res.json({ count: latencies.length, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) }), next);
});
const controlServer = await listen(control, 0, '127.0.0.1');
const bound = controlServer.address();

serveUntilTerminated(
  { ordersApi: ordersApi.url, projector: `http://127.0.0.1:${(projector.server.address() as AddressInfo).port}`, control: `http://127.0.0.1:${typeof bound === 'object' && bound ? bound.port : 0}`, database: live.MONGODB_DATABASE },
  async () => {
    await closeServer(controlServer);
    await ordersApi.stop();
    await projector.stop();
    const admin = kafka.admin();
    await admin.connect();
    const ours = new Set([`${name}-kafka`, ...['live', 'capacity'].flatMap((s) => [`${name}-${s}`, `${name}-${s}-inventory`, `${name}-${s}-payments`])]);
    const topics = (await admin.listTopics()).filter((topic) => ours.has(topic));
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    await mongo.db(live.MONGODB_DATABASE).dropDatabase().catch(() => undefined);
    await mongo.close();
  },
);
