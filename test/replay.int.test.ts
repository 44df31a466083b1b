import { setTimeout as sleep } from 'node:timers/promises';
import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { runCli } from '@tributary/cli';
import { commands } from '@tributary/cli/commands';
import { createEnvelope, createEventProducer, deadLetterMessage, deadLetterTopic, envelopeHeaders, type EventProducer, type OutgoingEvent } from '@tributary/kafka';
import { startOrderProjector, type OrderProjector } from '@tributary/order-projector';
import { loadOrderProjectorSettings } from '@tributary/order-projector/settings';
import { startQueryApi, type QueryApi } from '@tributary/query-api';
import { loadQueryApiSettings } from '@tributary/query-api/settings';
import { bookkeepingFields, resolveAlias } from '@tributary/store';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, serviceEnvironment, testKafka, testLogger, uniqueName } from './support.ts';

const names = { ordersTopic: uniqueName('replay-orders'), database: uniqueName('replay') };
const env = serviceEnvironment(names, { TOPIC_PARTITIONS: '3' });
const { ORDERS_TOPIC: ordersTopic, PAYMENTS_TOPIC: paymentsTopic } = env;
const codec = createAvroCodec({ registryUrl: env.SCHEMA_REGISTRY_URL, catalog: loadSchemaCatalog() });

let projector: OrderProjector;
let queryApi: QueryApi;
let producer: EventProducer;
let mongo: MongoClient;
let db: Db;

/** The CLI in this process with this file's topics, store and projector group, as an operator's shell has them. */
const tributary = async (...args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli({ name: 'tributary', summary: 'test', subcommands: commands }, args, { out: (text) => out.push(text), err: (text) => err.push(text), env });
  return { code, out, err, text: [...out, ...err].join('\n') };
};

const placed = (orderId: string, customerId: string, unitPrice = '10'): OutgoingEvent => ({
  key: orderId,
  eventType: 'OrderPlaced',
  payload: { orderId, customerId, currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 2, unitPrice }], placedAt: new Date(), channel: 'WEB', promoCode: null },
});
const confirmed = (orderId: string, customerId: string, total = '20'): OutgoingEvent => ({
  key: orderId,
  eventType: 'OrderConfirmed',
  payload: { orderId, customerId, total, currency: 'EUR', confirmedAt: new Date() },
});
const authorized = (orderId: string, amount = '20'): OutgoingEvent => ({
  key: orderId,
  eventType: 'PaymentAuthorized',
  payload: { orderId, amount, currency: 'EUR', authorizationId: `auth-${orderId}`, authorizedAt: new Date() },
});

type Stored = { _id: string } & Record<string, unknown>;

/** A copy's content by id, without the store's bookkeeping: what verify compares. */
const contentOf = async (collection: string): Promise<Map<string, Record<string, unknown>>> => {
  const documents = await db.collection<Stored>(collection).find({ _tombstone: { $ne: true } }).toArray();
  return new Map(
    documents.map((document) => [document._id, Object.fromEntries(Object.entries(document).filter(([key]) => !(bookkeepingFields as readonly string[]).includes(key)))]),
  );
};

const live = (name = 'order_views') => resolveAlias(db, name);
const liveCount = async (name = 'order_views') => db.collection(await live(name)).countDocuments({ _tombstone: { $ne: true } });

const projected = (count: number, name = 'order_views') => eventually(async () => ((await liveCount(name)) >= count ? true : undefined), { timeoutMs: 30_000, intervalMs: 200 });

const customers = ['c-0', 'c-1', 'c-2', 'c-3'];
const firstOrders = Array.from({ length: 24 }, (_, index) => `order-${index}`);

beforeAll(async () => {
  projector = await startOrderProjector(loadOrderProjectorSettings(env), testLogger('order-projector'));
  queryApi = await startQueryApi(loadQueryApiSettings(env), testLogger('query-api'));
  producer = createEventProducer({ kafka: testKafka(), codec, producerName: 'replay-test' });
  await producer.connect();
  mongo = new MongoClient(env.MONGODB_URI);
  db = mongo.db(names.database);
  await producer.publish(ordersTopic, firstOrders.map((orderId, index) => placed(orderId, customers[index % customers.length] ?? 'c-0')));
  // Half the orders go through payment and confirmation: documents folded from two topics.
  const paid = firstOrders.filter((_, index) => index % 2 === 0);
  await producer.publish(paymentsTopic, paid.map((orderId) => authorized(orderId)));
  await producer.publish(ordersTopic, paid.map((orderId, index) => confirmed(orderId, customers[(index * 2) % customers.length] ?? 'c-0')));
  await projected(firstOrders.length);
  await eventually(async () => ((await db.collection('order_views').countDocuments({ status: 'CONFIRMED' })) === paid.length ? true : undefined), { timeoutMs: 30_000 });
}, 90_000);

afterAll(async () => {
  await producer?.disconnect();
  await queryApi?.stop();
  await projector?.stop();
  await mongo?.close();
});

describe('tributary replay and verify', () => {
  it('prints the plan of a replay without changing anything', async () => {
    const before = await live();
    const plan = await tributary('replay', 'order-view', '--dry-run');
    expect(plan.code).toBe(0);
    expect(plan.text).toContain(ordersTopic);
    expect(plan.text).toContain(`${paymentsTopic}[2]`);
    expect(plan.text).toMatch(/events\s+\d+/);
    expect(plan.text).toMatch(/shadow\s+order_views__\d{8}T\d{6}/);
    expect(await live()).toBe(before);

    expect((await tributary('replay')).code).toBe(2);
    expect((await tributary('replay', 'no-such-view')).text).toMatch(/unknown projection.*order-views, customer-summaries/);
    expect((await tributary('replay', 'order-views', '--from', 'yesterday')).code).toBe(2);
    expect((await tributary('replay', '--help')).text).toMatch(/--keep-old/);
  });

  it('replays a dropped read model to the same content, and verify proves it', async () => {
    const before = await contentOf(await live());
    expect(before.size).toBe(firstOrders.length);
    await db.collection(await live()).drop();
    // Without its collection the read model cannot say an order does not exist: 503, not 404.
    const whileMissing = await eventually(async () => {
      const res = await fetch(`${queryApi.url}/orders/${firstOrders[0]}`);
      return res.status === 404 ? undefined : { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error: { code: string } } };
    });
    expect(whileMissing).toMatchObject({ status: 503, retryAfter: '2', body: { error: { code: 'READ_MODEL_MISSING' } } });
    expect((await fetch(`${queryApi.url}/customers/c-0/orders`)).status).toBe(503);

    const replay = await tributary('replay', 'order-views');
    expect(replay.code, replay.text).toBe(0);
    expect(replay.text).toMatch(/building\s+\[#+\]\s+100%/);
    const now = await live();
    expect(now).toMatch(/^order_views__/);
    expect(await contentOf(now)).toEqual(before);
    await eventually(async () => ((await fetch(`${queryApi.url}/orders/${firstOrders[0]}`)).status === 200 ? true : undefined));

    const verify = await tributary('verify', 'order-views');
    expect(verify.code, verify.text).toBe(0);
    expect(verify.text).toContain('identical content');
    expect(verify.text).toContain(`${firstOrders.length} documents`);

    // The customer summaries are a projection of their own, from the orders topic only.
    const summaries = await contentOf('customer_summaries');
    expect((await tributary('replay', 'customer-summaries', '--json')).code).toBe(0);
    expect(await contentOf(await live('customer_summaries'))).toEqual(summaries);
  }, 120_000);

  it('detects documents edited by hand and repairs them by replay', async () => {
    const collection = db.collection<Stored>(await live());
    await collection.updateOne({ _id: 'order-3' }, { $set: { status: 'CANCELLED' } });
    await collection.updateOne({ _id: 'order-8' }, { $set: { total: '0' } });
    await collection.deleteOne({ _id: 'order-11' });

    const verify = await tributary('verify', 'order-views');
    expect(verify.code).toBe(1);
    expect(verify.text).toMatch(/3 documents differ/);
    expect(verify.text).toMatch(/order-11\s+only in rebuild/);
    expect(verify.text).toMatch(/order-3\s+fields differ: status/);
    expect(verify.text).toMatch(/order-8\s+fields differ: total/);

    const replay = await tributary('replay', 'order-views', '--keep-old');
    expect(replay.code, replay.text).toBe(0);
    expect(replay.text).toMatch(/kept as/);
    const verified = await tributary('verify', 'order-views');
    expect(verified.code, verified.text).toBe(0);
    expect(await db.collection<Stored>(await live()).findOne({ _id: 'order-3' })).toMatchObject({ status: 'PLACED' });
  }, 120_000);

  it('re-derives from a timestamp the documents a faulty projection wrote, and copies the others', async () => {
    await sleep(1_100);
    const since = new Date();
    await sleep(100);
    // Since the faulty release: new orders, and a confirmation of an order placed before it.
    const newOrders = ['late-1', 'late-2', 'late-3'];
    await producer.publish(ordersTopic, newOrders.map((orderId) => placed(orderId, 'c-9', '7')));
    await producer.publish(paymentsTopic, [authorized('order-1')]);
    await producer.publish(ordersTopic, [confirmed('order-1', 'c-1')]);
    await projected(firstOrders.length + newOrders.length);
    // The payment and the confirmation come on different topics, so wait for both steps, not only the status.
    const stepsOf = async (): Promise<string[]> => ((await db.collection<Stored>(await live()).findOne({ _id: 'order-1' }))?.['timeline'] as { step: string }[] | undefined ?? []).map((entry) => entry.step);
    await eventually(async () => {
      const steps = await stepsOf();
      return steps.includes('CONFIRMED') && steps.includes('PAYMENT_AUTHORIZED') ? true : undefined;
    }, { timeoutMs: 30_000 });
    const correct = await contentOf(await live());

    // What the faulty version wrote: wrong totals on everything it touched, positions as usual.
    const collection = db.collection<Stored>(await live());
    for (const id of [...newOrders, 'order-1']) await collection.updateOne({ _id: id }, { $set: { total: '999', status: 'REJECTED' } });
    expect((await tributary('verify', 'order-views')).code).toBe(1);

    const plan = await tributary('replay', 'order-views', '--from', since.toISOString(), '--dry-run');
    expect(plan.text).toMatch(/re-derived from their whole history/);
    const replay = await tributary('replay', 'order-views', '--from', since.toISOString());
    expect(replay.code, replay.text).toBe(0);
    expect(replay.text).toMatch(/re-deriving 4 touched since/);
    expect(await contentOf(await live())).toEqual(correct);
    const verified = await tributary('verify', 'order-views');
    expect(verified.code, verified.text).toBe(0);
  }, 120_000);

  it('puts dead-lettered records redriven after a fix into the rebuilt read model', async () => {
    const parked = ['parked-1', 'parked-2'];
    const kafkaProducer = testKafka().producer();
    await kafkaProducer.connect();
    await kafkaProducer.send({
      topic: deadLetterTopic(ordersTopic),
      messages: await Promise.all(
        parked.map(async (orderId, index) => {
          const value = await codec.encode(ordersTopic, 'OrderPlaced', placed(orderId, 'c-5').payload);
          const original = { key: Buffer.from(orderId), value, headers: envelopeHeaders(createEnvelope('OrderPlaced', 'orders-api')), offset: String(index), timestamp: String(Date.now()), attributes: 0 };
          return deadLetterMessage(original, {
            originalTopic: ordersTopic,
            originalPartition: 0,
            originalOffset: String(index),
            consumerGroup: env.ORDER_PROJECTOR_GROUP,
            errorCode: 'INTERNAL',
            errorMessage: 'projection bug, since fixed',
            attempts: 1,
            firstFailureAt: new Date().toISOString(),
            deadLetteredAt: new Date().toISOString(),
          });
        }),
      ),
    });
    await kafkaProducer.disconnect();
    expect((await tributary('dlq', 'redrive', ordersTopic)).code).toBe(0);
    await eventually(async () => ((await db.collection<Stored>(await live()).countDocuments({ _id: { $in: parked } })) === 2 ? true : undefined), { timeoutMs: 30_000 });

    await db.collection(await live()).drop();
    const replay = await tributary('replay', 'order-views');
    expect(replay.code, replay.text).toBe(0);
    expect(await db.collection<Stored>(await live()).countDocuments({ _id: { $in: parked } })).toBe(2);
    const verified = await tributary('verify', 'order-views');
    expect(verified.code, verified.text).toBe(0);
  }, 120_000);

  it('resumes an interrupted replay from earliest, restarts any other, and refuses to run beside another replay', async () => {
    // What a replay killed halfway leaves: its state, a half-built shadow and its group's commits.
    const shadow = 'order_views__20260101T000000';
    const copied = await db.collection<Stored>(await live()).find({}).limit(5).toArray();
    await db.collection<Stored>(shadow).insertMany(copied);
    const states = db.collection<Record<string, unknown> & { _id: string }>('_read_model_replays');
    const interrupted = { shadow, group: 'tributary-replay-order-views-20260101T000000', from: 'earliest', to: null, phase: 'building', previous: await live(), startedAt: new Date() };
    await states.insertOne({ _id: 'order-views', ...interrupted });
    const plan = await tributary('replay', 'order-views', '--dry-run');
    expect(plan.text).toMatch(/interrupted replay into order_views__20260101T000000 .* resumes it/);

    const resumed = await tributary('replay', 'order-views');
    expect(resumed.code, resumed.text).toBe(0);
    expect(resumed.text).toMatch(/resuming the interrupted replay into order_views__20260101T000000/);
    expect(await live()).toBe(shadow);
    expect((await tributary('verify', 'order-views')).code).toBe(0);

    const other = 'order_views__20260101T000001';
    await db.collection<Stored>(other).insertMany(copied);
    await states.insertOne({ _id: 'order-views', ...interrupted, shadow: other, from: '2026-01-01T00:00:00.000Z', previous: shadow });
    const restarted = await tributary('replay', 'order-views');
    expect(restarted.code, restarted.text).toBe(0);
    expect(restarted.text).toMatch(/restarting: the interrupted replay into order_views__20260101T000001 .* dropping it/);
    expect(await db.listCollections({ name: other }).toArray()).toEqual([]);
    expect((await tributary('verify', 'order-views')).code).toBe(0);

    await db.collection<Stored>('_read_model_locks').insertOne({ _id: 'replay:order-views', owner: 'other-host:1', heartbeatAt: new Date() });
    const refused = await tributary('replay', 'order-views');
    expect(refused.code).toBe(1);
    expect(refused.text).toMatch(/held by other-host:1/);
    await db.collection<Stored>('_read_model_locks').deleteOne({ _id: 'replay:order-views' });
  }, 120_000);

  it('keeps answering queries during a replay and serves the new copy after the switch', async () => {
    // A hand-edited document the old copy keeps serving until the switch.
    await db.collection<Stored>(await live()).updateOne({ _id: 'order-5' }, { $set: { status: 'CANCELLED' } });
    const old = await live();
    const failures: string[] = [];
    let polls = 0;
    let stop = false;
    const poll = async () => {
      while (!stop) {
        for (const path of ['/orders/order-4', '/orders?status=CONFIRMED', '/customers/c-0/orders', '/customers/c-1']) {
          const res = await fetch(`${queryApi.url}${path}`);
          const body = (await res.json()) as { orders?: unknown[] };
          polls += 1;
          if (res.status !== 200) failures.push(`${path}: ${res.status}`);
          else if (body.orders !== undefined && body.orders.length === 0) failures.push(`${path}: empty`);
        }
      }
    };
    const polling = poll();
    // The live projector keeps writing while the replay runs: none of it may be lost.
    const writing = (async () => {
      for (let round = 0; round < 5; round += 1) {
        await producer.publish(ordersTopic, [placed(`during-${round}`, 'c-0')]);
        await sleep(400);
      }
    })();
    const replay = await tributary('replay', 'order-views');
    await writing;
    stop = true;
    await polling;
    expect(replay.code, replay.text).toBe(0);
    expect(failures).toEqual([]);
    expect(polls).toBeGreaterThan(8);
    expect(await live()).not.toBe(old);
    await eventually(async () => {
      const res = await fetch(`${queryApi.url}/orders/order-5`);
      return ((await res.json()) as { status: string }).status === 'PLACED' ? true : undefined;
    });
    await eventually(async () => ((await db.collection<Stored>(await live()).countDocuments({ _id: { $regex: '^during-' } })) === 5 ? true : undefined), { timeoutMs: 20_000 });
    const verified = await tributary('verify', 'order-views');
    expect(verified.code, verified.text).toBe(0);
  }, 120_000);
});
