import { setTimeout as sleep } from 'node:timers/promises';
import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { createEventProducer, deadLetterTopic, ensureTopics, eventTopic, type EventProducer } from '@tributary/kafka';
import { startOrderProjector } from '@tributary/order-projector';
import { loadOrderProjectorSettings } from '@tributary/order-projector/settings';
import { MongoClient, type Collection } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServiceProcess } from './processes.ts';
import { eventually, serviceEnvironment, testKafka, testLogger, uniqueName } from './support.ts';
import { startTcpProxy } from './tcp-proxy.ts';

type OrderDocument = { _id: string; _version: number };

let mongo: MongoClient;
let producer: EventProducer;

beforeAll(async () => {
  mongo = new MongoClient(inject('backbone').mongoUri);
  producer = createEventProducer({ kafka: testKafka(), codec: createAvroCodec({ registryUrl: inject('backbone').registryUrl, catalog: loadSchemaCatalog() }), producerName: 'runtime-test' });
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await mongo?.close();
});

/** A fresh topic, database and group: one scenario's whole world. */
const scenario = async (name: string) => {
  const names = { ordersTopic: uniqueName(`${name}-orders`), database: uniqueName(name), groupId: uniqueName(`${name}-projector`) };
  await ensureTopics(testKafka(), [eventTopic(names.ordersTopic, 6, 1), eventTopic(deadLetterTopic(names.ordersTopic), 6, 1)]);
  return { names, views: mongo.db(names.database).collection<OrderDocument>('order_views') };
};

const orderPlaced = (orderId: string) => ({ key: orderId, eventType: 'OrderPlaced', payload: { orderId, customerId: 'c-1', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 1, unitPrice: '1.25' }], placedAt: new Date() } });

/** Produces `total` orders in small chunks, as a live stream would, calling `during` along the way. */
const produceStream = async (topic: string, prefix: string, total: number, during: (sent: number) => Promise<void> = () => Promise.resolve()) => {
  for (let sent = 0; sent < total; sent += 25) {
    await producer.publish(topic, Array.from({ length: Math.min(25, total - sent) }, (_, i) => orderPlaced(`${prefix}-${sent + i}`)));
    await during(sent + 25);
    await sleep(20);
  }
};

/** Every order is in the read model, and each was applied exactly once (version 1, one event each). */
/** The consumer's own account of where it stands, for a failure message: pauses, errors, lag, readiness. */
const consumerState = async (serviceUrl: string): Promise<string> => {
  const read = (path: string) => fetch(`${serviceUrl}${path}`).then((res) => res.text(), (error: unknown) => `${path}: ${String(error)}`);
  const [metrics, ready] = await Promise.all([read('/metrics'), read('/readyz')]);
  const lines = metrics.split('\n').filter((line) => /^consumer_(paused_partitions|errors_total|dead_lettered_total|rebalances_total|lag|stalled)/.test(line));
  return `\n/readyz: ${ready}\n${lines.join('\n')}`;
};

const expectExactlyOnce = async (views: Collection<OrderDocument>, total: number, serviceUrl?: string) => {
  let last = -1;
  await eventually(async () => {
    last = await views.countDocuments();
    return last === total ? true : undefined;
  }, { timeoutMs: 120_000, intervalMs: 500 }).catch(async (error: unknown) => {
    const state = serviceUrl ? await consumerState(serviceUrl) : '';
    throw new Error(`${last} of ${total} orders in the read model: ${(error as Error).message}${state}`);
  });
  expect(await views.countDocuments({ _version: { $ne: 1 } })).toBe(0);
};

// Processes start, stop and rejoin their group here: these take longer than most tests.
describe('the consumer runtime on the real backbone', { timeout: 180_000 }, () => {
  it('stops cleanly on SIGTERM mid-stream: the batch in hand is committed, nothing is lost or applied twice', async () => {
    const { names, views } = await scenario('sigterm');
    const env = serviceEnvironment(names);
    const first = await startServiceProcess('order-projector', 'ORDER_PROJECTOR_PORT', env);
    let stoppedWithin = 0;
    await produceStream(names.ordersTopic, 'term', 600, async (sent) => {
      if (sent !== 200) return;
      const started = Date.now();
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      stoppedWithin = Date.now() - started;
    });
    expect(first.output()).toContain('"message":"stopped"');
    console.log(`projector stopped on SIGTERM in ${stoppedWithin} ms`);
    const second = await startServiceProcess('order-projector', 'ORDER_PROJECTOR_PORT', env);
    await expectExactlyOnce(views, 600);
    second.child.kill('SIGTERM');
    await second.exited;
  });

  it('hands a killed instance\'s partitions to the survivor: every event reflected exactly once', async () => {
    const { names, views } = await scenario('failover');
    // A short session so the group notices the dead member in seconds, not the default 30.
    const env = serviceEnvironment(names, { CONSUMER_SESSION_TIMEOUT_MS: '8000' });
    const [a, b] = await Promise.all([
      startServiceProcess('order-projector', 'ORDER_PROJECTOR_PORT', env),
      startServiceProcess('order-projector', 'ORDER_PROJECTOR_PORT', env),
    ]);
    await produceStream(names.ordersTopic, 'kill', 800, (sent) => {
      if (sent === 300) a.child.kill('SIGKILL');
      return Promise.resolve();
    });
    expect(await a.exited).toBeNull();
    await expectExactlyOnce(views, 800);
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  });

  it('pauses partitions while the store is unreachable and resumes when it is back, losing nothing', async () => {
    const { names, views } = await scenario('store-outage');
    const store = new URL(inject('backbone').mongoUri);
    const proxy = await startTcpProxy(Number(store.port));
    const env = serviceEnvironment(names, {
      MONGODB_URI: `mongodb://127.0.0.1:${proxy.port}/?directConnection=true`,
      MONGODB_TIMEOUT_MS: '1000',
      CONSUMER_RETRY_ATTEMPTS: '2',
      CONSUMER_RETRY_INITIAL_MS: '100',
      CONSUMER_RETRY_MAX_MS: '500',
    });
    const projector = await startOrderProjector(loadOrderProjectorSettings(env), testLogger('order-projector'));
    const address = projector.server.address();
    const metricsUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/metrics`;
    try {
      await produceStream(names.ordersTopic, 'before', 50);
      await eventually(async () => ((await views.countDocuments()) === 50 ? true : undefined), { timeoutMs: 30_000 });

      proxy.cut();
      await produceStream(names.ordersTopic, 'during', 100);
      const paused = await eventually(async () => {
        const text = await (await fetch(metricsUrl)).text();
        const match = /consumer_paused_partitions\{[^}]*\} ([1-9]\d*)/.exec(text);
        return match ? Number(match[1]) : undefined;
      }, { timeoutMs: 30_000, intervalMs: 250 });
      expect(paused).toBeGreaterThan(0);

      proxy.restore();
      await expectExactlyOnce(views, 150, metricsUrl.replace(/\/metrics$/, ''));
      const text = await (await fetch(metricsUrl)).text();
      expect(text).toMatch(/consumer_paused_partitions\{[^}]*\} 0/);
      expect(text).toMatch(/consumer_errors_total\{[^}]*code="STORE_UNAVAILABLE"[^}]*\} [1-9]/);
    } finally {
      await projector.stop();
      await proxy.close();
    }
  });
});
