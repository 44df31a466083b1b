import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { runCli } from '@tributary/cli';
import { commands } from '@tributary/cli/commands';
import type { OrderPlaced, ShortSku, StockRejected, StockReleased, StockReserved } from '@tributary/contracts';
import { createInventory, openReservations, startInventoryService, type InventoryService } from '@tributary/inventory-service';
import { loadInventoryServiceSettings } from '@tributary/inventory-service/settings';
import { readStockLevel, setStock } from '@tributary/inventory-service/stock';
import { createEventProducer, readHeaders, type ConsumedEvent, type EventProducer, type OutgoingEvent } from '@tributary/kafka';
import type { Admin, Consumer } from 'kafkajs';
import { MongoClient, type Collection, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, serviceEnvironment, testKafka, testLogger, uniqueName } from './support.ts';

const names = { ordersTopic: uniqueName('inventory-orders'), database: uniqueName('inventory') };
const env = serviceEnvironment(names);
const inventoryTopic = env.INVENTORY_TOPIC;
const groupId = env.INVENTORY_SERVICE_GROUP;
const codec = createAvroCodec({ registryUrl: env.SCHEMA_REGISTRY_URL, catalog: loadSchemaCatalog() });

interface Answer {
  eventType: string;
  eventId: string;
  headers: Record<string, string>;
  payload: StockReserved | StockRejected | StockReleased;
}

let service: InventoryService;
let producer: EventProducer;
let answersConsumer: Consumer;
let admin: Admin;
let mongo: MongoClient;
const answers: Answer[] = [];

/** The CLI in this process, with this file's store and database, as an operator's shell would have them. */
const tributary = async (...args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli({ name: 'tributary', summary: 'test', subcommands: commands }, args, { out: (text) => out.push(text), err: (text) => err.push(text), env });
  return { code, out, err };
};

const sku = (name: string) => uniqueName(name);

const stockOf = async (name: string): Promise<number> => {
  const res = await fetch(`${service.url}/stock/${name}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { available: number }).available;
};

const putStock = (name: string, body: unknown) => fetch(`${service.url}/stock/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const placed = (orderId: string, items: OrderPlaced['items']): OutgoingEvent => ({
  key: orderId,
  eventType: 'OrderPlaced',
  payload: { orderId, customerId: 'customer-1', currency: 'EUR', items, placedAt: new Date(), channel: 'WEB', promoCode: null } satisfies OrderPlaced,
});
const line = (name: string, quantity: number, unitPrice = '1'): OrderPlaced['items'][number] => ({ sku: name, quantity, unitPrice });

const cancelled = (orderId: string): OutgoingEvent => ({ key: orderId, eventType: 'OrderCancelled', payload: { orderId, customerId: 'customer-1', reason: null, cancelledAt: new Date() } });
const rejected = (orderId: string, reason: 'OUT_OF_STOCK' | 'PAYMENT_DECLINED'): OutgoingEvent => ({
  key: orderId,
  eventType: 'OrderRejected',
  payload: { orderId, customerId: 'customer-1', reason, detail: null, rejectedAt: new Date() },
});
const confirmed = (orderId: string): OutgoingEvent => ({
  key: orderId,
  eventType: 'OrderConfirmed',
  payload: { orderId, customerId: 'customer-1', total: '1', currency: 'EUR', confirmedAt: new Date() },
});

const publish = (...events: OutgoingEvent[]) => producer.publish(names.ordersTopic, events);

const answersFor = (orderId: string, eventType?: string) => answers.filter((a) => a.payload.orderId === orderId && (!eventType || a.eventType === eventType));

const answerFor = (orderId: string, eventType: string) =>
  eventually(() => Promise.resolve(answersFor(orderId, eventType)[0]), { timeoutMs: 30_000 });

/** Every order event produced so far is handled: the group's committed offsets reached the end of the topic. */
const handledAll = () =>
  eventually(
    async () => {
      const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(names.ordersTopic), admin.fetchOffsets({ groupId, topics: [names.ordersTopic] })]);
      const done = ends.every((end) => committed?.partitions.find((p) => p.partition === end.partition)?.offset === end.high || end.high === '0');
      return done ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );

beforeAll(async () => {
  service = await startInventoryService(loadInventoryServiceSettings(env), testLogger('inventory-service'));
  const kafka = testKafka();
  producer = createEventProducer({ kafka, codec, producerName: 'inventory-test' });
  await producer.connect();
  admin = kafka.admin();
  await admin.connect();
  mongo = new MongoClient(env.MONGODB_URI);
  await mongo.connect();
  answersConsumer = kafka.consumer({ groupId: uniqueName('inventory-answers') });
  await answersConsumer.connect();
  await answersConsumer.subscribe({ topic: inventoryTopic, fromBeginning: true });
  await answersConsumer.run({
    eachMessage: async ({ message }) => {
      const decoded = await codec.decode<Answer['payload']>(message.value);
      const headers = readHeaders(message.headers);
      answers.push({ eventType: decoded.eventType, eventId: headers['event-id'] ?? '', headers, payload: decoded.payload });
    },
  });
  await eventually(() => Promise.resolve(service.consumerJoined() || undefined), { timeoutMs: 30_000 });
});

afterAll(async () => {
  await answersConsumer?.disconnect();
  await producer?.disconnect();
  await admin?.disconnect();
  await service?.stop();
  await mongo?.db(names.database).dropDatabase().catch(() => undefined);
  await mongo?.close();
});

describe('setting stock', () => {
  it('sets and reads stock with `tributary stock`, and refuses a bad SKU or quantity with a usage error', async () => {
    const name = sku('CLI');
    const set = await tributary('stock', 'set', name, '7');
    expect(set).toMatchObject({ code: 0, out: [`${name}: 7 available (was 0)`] });
    expect(await tributary('stock', 'get', name)).toMatchObject({ code: 0, out: [`${name}: 7 available`] });
    expect(JSON.parse((await tributary('stock', 'set', name, '9', '--json')).out.join(''))).toEqual({ sku: name, available: 9, previous: 7 });
    expect(await stockOf(name)).toBe(9);

    for (const args of [['bad sku!', '1'], [name, '1.5'], [name, 'ten'], [name, '1000000001'], [name, '-1'], [name], [name, '1', 'extra']]) {
      const result = await tributary('stock', 'set', ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err.join('\n')).toMatch(/^error \[USAGE\]: /);
    }
    expect(await stockOf(name)).toBe(9);
    expect((await tributary('stock', 'set', '--help')).out.join('\n')).toContain('Usage: tributary stock set <sku> <quantity>');
  });

  it('sets and reads stock through the admin endpoint, and answers 400 for a bad SKU or quantity', async () => {
    const name = sku('HTTP');
    const res = await putStock(name, { quantity: 3 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sku: name, available: 3 });
    expect(await (await fetch(`${service.url}/stock/${name}`)).json()).toEqual({ sku: name, available: 3 });
    expect((await tributary('stock', 'get', name)).out).toEqual([`${name}: 3 available`]);
    expect(await stockOf(sku('NEVER-SET'))).toBe(0);

    for (const [path, body] of [
      [name, { quantity: -1 }],
      [name, { quantity: 1.5 }],
      [name, { quantity: 1_000_000_001 }],
      [name, { quantity: '3' }],
      [name, { quantity: 3, extra: true }],
      ['bad%20sku', { quantity: 1 }],
    ] as const) {
      const bad = await putStock(path, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    }
    expect(await stockOf(name)).toBe(3);
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
  });
});

describe('reserving stock for orders', () => {
  it('reserves every line and answers StockReserved with the order\'s amount, currency and customer', async () => {
    const [a, b] = [sku('A'), sku('B')];
    await tributary('stock', 'set', a, '10');
    await putStock(b, { quantity: 2 });
    const orderId = uniqueName('order');
    const [record] = await publish(placed(orderId, [line(a, 3, '0.1'), line(b, 1, '19.99')]));

    const answer = await answerFor(orderId, 'StockReserved');
    expect(answer.payload).toMatchObject({ orderId, items: [{ sku: a, quantity: 3 }, { sku: b, quantity: 1 }], amount: '20.29', currency: 'EUR', customerId: 'customer-1' });
    expect((answer.payload as StockReserved).reservedAt).toBeInstanceOf(Date);
    expect(answer.headers).toMatchObject({ 'causation-id': record?.eventId, 'correlation-id': record?.eventId, producer: 'inventory-service' });
    expect(await stockOf(a)).toBe(7);
    expect(await stockOf(b)).toBe(1);
    expect(await (await fetch(`${service.url}/metrics`)).text()).toMatch(/inventory_reservations_total\{outcome="reserved",service="inventory-service"\} [1-9]/);
  });

  it('rejects an order with short lines, names every short SKU (unknown ones have 0), and leaves stock untouched', async () => {
    const [a, b, unknown] = [sku('A'), sku('B'), sku('UNKNOWN')];
    await tributary('stock', 'set', a, '5');
    await tributary('stock', 'set', b, '1');
    const orderId = uniqueName('order');
    await publish(placed(orderId, [line(a, 2), line(b, 3), line(unknown, 1)]));

    const answer = await answerFor(orderId, 'StockRejected');
    expect((answer.payload as StockRejected).shortSkus).toEqual([
      { sku: b, requested: 3, available: 1 },
      { sku: unknown, requested: 1, available: 0 },
    ] satisfies ShortSku[]);
    await handledAll();
    expect([await stockOf(a), await stockOf(b), await stockOf(unknown)]).toEqual([5, 1, 0]);
    for (const name of [a, b]) expect((await readStockLevel(mongo.db(names.database), name)).holds).not.toContain(orderId);

    // Nothing is held for an order rejected for stock, so its OrderRejected releases nothing.
    await publish(rejected(orderId, 'OUT_OF_STOCK'));
    await handledAll();
    expect(answersFor(orderId).map((a) => a.eventType)).toEqual(['StockRejected']);
    expect(await stockOf(a)).toBe(5);
  });

  it('gives the stock back when a reserved order is cancelled, and only once', async () => {
    const a = sku('A');
    await tributary('stock', 'set', a, '4');
    const orderId = uniqueName('order');
    await publish(placed(orderId, [line(a, 3)]));
    await answerFor(orderId, 'StockReserved');
    expect(await stockOf(a)).toBe(1);

    const [cancel] = await publish(cancelled(orderId));
    const released = await answerFor(orderId, 'StockReleased');
    expect(released.payload).toMatchObject({ orderId, items: [{ sku: a, quantity: 3 }] });
    expect((released.payload as StockReleased).releasedAt).toBeInstanceOf(Date);
    expect(released.headers['causation-id']).toBe(cancel?.eventId);
    expect(await stockOf(a)).toBe(4);

    // The saga may still reject the order afterwards: there is nothing left to give back.
    await publish(rejected(orderId, 'PAYMENT_DECLINED'), cancelled(orderId));
    await handledAll();
    expect(answersFor(orderId).map((answer) => answer.eventType)).toEqual(['StockReserved', 'StockReleased']);
    expect(await stockOf(a)).toBe(4);
  });

  it('gives the stock back when a reserved order is rejected (payment declined)', async () => {
    const [a, b] = [sku('A'), sku('B')];
    await tributary('stock', 'set', a, '2');
    await tributary('stock', 'set', b, '2');
    const orderId = uniqueName('order');
    await publish(placed(orderId, [line(a, 2), line(b, 1)]));
    await answerFor(orderId, 'StockReserved');
    expect([await stockOf(a), await stockOf(b)]).toEqual([0, 1]);

    await publish(rejected(orderId, 'PAYMENT_DECLINED'));
    expect((await answerFor(orderId, 'StockReleased')).payload).toMatchObject({ items: [{ sku: a, quantity: 2 }, { sku: b, quantity: 1 }] });
    expect([await stockOf(a), await stockOf(b)]).toEqual([2, 2]);
  });

  it('keeps a confirmed order\'s units taken, stops holding them, and releases nothing afterwards', async () => {
    const a = sku('A');
    await tributary('stock', 'set', a, '5');
    const orderId = uniqueName('order');
    await publish(placed(orderId, [line(a, 2)]));
    await answerFor(orderId, 'StockReserved');
    await publish(confirmed(orderId), cancelled(orderId));
    await handledAll();

    expect(await stockOf(a)).toBe(3);
    expect(answersFor(orderId).map((answer) => answer.eventType)).toEqual(['StockReserved']);
    expect((await readStockLevel(mongo.db(names.database), a)).holds).toEqual([]);
    const reservation = await mongo.db(names.database).collection<{ _id: string; status: string }>('reservations').findOne({ _id: orderId });
    expect(reservation?.status).toBe('CONFIRMED');
  });

  it('reserves once for an OrderPlaced delivered twice, and answers both copies with the same event', async () => {
    const a = sku('A');
    await tributary('stock', 'set', a, '5');
    const orderId = uniqueName('order');
    const event = placed(orderId, [line(a, 2)]);
    const [first] = await publish(event);
    await publish({ ...event, context: { eventId: first?.eventId } });
    await handledAll();

    expect(await stockOf(a)).toBe(3);
    const reserved = answersFor(orderId);
    expect(reserved.length).toBeGreaterThanOrEqual(1);
    expect(reserved.map((answer) => answer.eventType)).toEqual(reserved.map(() => 'StockReserved'));
    expect(new Set(reserved.map((answer) => answer.eventId)).size).toBe(1);
  });

  it('never oversells: ten 1-unit orders on different keys, two instances, stock 5', async () => {
    const scarce = sku('SCARCE');
    await tributary('stock', 'set', scarce, '5');
    const second = await startInventoryService(loadInventoryServiceSettings(env), testLogger('inventory-service-2'));
    try {
      await eventually(() => Promise.resolve(second.consumerJoined() || undefined), { timeoutMs: 30_000 });
      const orderIds = Array.from({ length: 10 }, () => uniqueName('order'));
      await publish(...orderIds.map((orderId) => placed(orderId, [line(scarce, 1)])));
      const outcomes = await eventually(
        () => {
          const found = orderIds.map((orderId) => answersFor(orderId)[0]);
          return Promise.resolve(found.every((answer) => answer !== undefined) ? found : undefined);
        },
        { timeoutMs: 45_000 },
      );
      const counts = { StockReserved: 0, StockRejected: 0 } as Record<string, number>;
      for (const outcome of outcomes) counts[outcome.eventType] = (counts[outcome.eventType] ?? 0) + 1;
      expect(counts).toEqual({ StockReserved: 5, StockRejected: 5 });
      for (const outcome of outcomes.filter((answer) => answer.eventType === 'StockRejected')) {
        expect((outcome.payload as StockRejected).shortSkus).toEqual([{ sku: scarce, requested: 1, available: 0 }]);
      }
      expect(await stockOf(scarce)).toBe(0);

      // The SKU's history: one version after another, never below zero.
      const history = await mongo.db(names.database).collection<{ _id: string; version: number; available: number }>('stock_changes').find({ sku: scarce }).toArray();
      expect(history.map((change) => change.version).sort((x, y) => x - y)).toEqual(Array.from({ length: 6 }, (_, i) => i + 1));
      expect(Math.min(...history.map((change) => change.available))).toBe(0);
    } finally {
      await second.stop();
    }
  });
});

/** A store that dies after a number of writes: every later write fails as if the process had crashed before it. */
const crashingAfter = (db: Db, writes: number): Db => {
  let left = writes;
  const wrap = (collection: Collection) =>
    new Proxy(collection, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        const method = (value as (...args: unknown[]) => unknown).bind(target);
        if (property !== 'insertOne' && property !== 'replaceOne' && property !== 'updateOne') return method;
        return (...args: unknown[]) => {
          if (left <= 0) return Promise.reject(new Error('crashed before this write'));
          left -= 1;
          return method(...args);
        };
      },
    });
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'collection') return (name: string) => wrap(target.collection(name));
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
};

/** An order event as the consumer runner hands it over, with a fixed event id: a redelivery is the same record. */
const consumedEvent = (event: OutgoingEvent, eventId: string): ConsumedEvent<unknown> => ({
  topic: names.ordersTopic,
  partition: 0,
  offset: '0',
  key: event.key,
  timestamp: String(Date.now()),
  headers: { 'event-id': eventId, 'correlation-id': eventId },
  event: { eventType: event.eventType, fullName: `io.tributary.orders.${event.eventType}`, schemaId: 1, payload: event.payload },
});

describe('crash safety of the store steps', () => {
  const db = () => mongo.db(names.database);
  const handleWith = (store: Db, consumed: ConsumedEvent<unknown>) => createInventory({ db: store, reservations: openReservations(store) }).handle(consumed);

  /**
   * Runs the event on a store that crashes after 0, 1, 2, ... writes, then delivers it again on a
   * healthy one, until a run needs no redelivery: every crash point ends in the same stock and answer.
   */
  const everyCrashPoint = async (
    prepare: () => Promise<{ consumed: ConsumedEvent<unknown>; check: (outputs: OutgoingEvent[]) => Promise<void> }>,
  ): Promise<number> => {
    for (let writes = 0; writes < 50; writes += 1) {
      const { consumed, check } = await prepare();
      const crashed = await handleWith(crashingAfter(db(), writes), consumed).then(
        () => false,
        () => true,
      );
      await check(await handleWith(db(), consumed));
      if (!crashed) return writes;
    }
    throw new Error('the handler never finished');
  };

  const holdsOf = async (name: string) => (await readStockLevel(db(), name)).holds;

  it('reserves exactly once, whichever write a crash interrupts', async () => {
    const points = await everyCrashPoint(async () => {
      const [a, b, orderId] = [sku('A'), sku('B'), uniqueName('order')];
      await setStock(db(), a, 5);
      await setStock(db(), b, 5);
      return {
        consumed: consumedEvent(placed(orderId, [line(a, 2), line(b, 1)]), uniqueName('event')),
        check: async (outputs) => {
          expect(outputs.map((output) => output.eventType)).toEqual(['StockReserved']);
          expect([(await readStockLevel(db(), a)).available, (await readStockLevel(db(), b)).available]).toEqual([3, 4]);
          expect([await holdsOf(a), await holdsOf(b)]).toEqual([[orderId], [orderId]]);
        },
      };
    });
    // Intent, one change per line (the copy in `stock` waits for the SKU's eighth version), the decision.
    expect(points).toBe(4);
  });

  it('rejects and leaves stock untouched, whichever write a crash interrupts', async () => {
    await everyCrashPoint(async () => {
      const [a, b, orderId] = [sku('A'), sku('B'), uniqueName('order')];
      await setStock(db(), a, 5);
      await setStock(db(), b, 1);
      return {
        consumed: consumedEvent(placed(orderId, [line(a, 2), line(b, 3)]), uniqueName('event')),
        check: async (outputs) => {
          expect(outputs.map((output) => [output.eventType, (output.payload as StockRejected).shortSkus])).toEqual([['StockRejected', [{ sku: b, requested: 3, available: 1 }]]]);
          expect([(await readStockLevel(db(), a)).available, (await readStockLevel(db(), b)).available]).toEqual([5, 1]);
          expect([await holdsOf(a), await holdsOf(b)]).toEqual([[], []]);
        },
      };
    });
  });

  it('gives back exactly once on cancel, whichever write a crash interrupts, and repeats its answer to a redelivery', async () => {
    await everyCrashPoint(async () => {
      const [a, orderId] = [sku('A'), uniqueName('order')];
      await setStock(db(), a, 5);
      await handleWith(db(), consumedEvent(placed(orderId, [line(a, 2)]), uniqueName('event')));
      const cancel = consumedEvent(cancelled(orderId), uniqueName('event'));
      return {
        consumed: cancel,
        check: async (outputs) => {
          expect(outputs.map((output) => output.eventType)).toEqual(['StockReleased']);
          expect((await readStockLevel(db(), a)).available).toBe(5);
          expect(await holdsOf(a)).toEqual([]);
          // A third delivery of the same cancel: the same answer with the same id, and no more stock.
          const again = await handleWith(db(), cancel);
          expect(again.map((output) => output.context?.eventId)).toEqual(outputs.map((output) => output.context?.eventId));
          expect((await readStockLevel(db(), a)).available).toBe(5);
        },
      };
    });
  });

  it('keeps a confirmed reservation taken, whichever write a crash interrupts', async () => {
    await everyCrashPoint(async () => {
      const [a, orderId] = [sku('A'), uniqueName('order')];
      await setStock(db(), a, 5);
      await handleWith(db(), consumedEvent(placed(orderId, [line(a, 2)]), uniqueName('event')));
      return {
        consumed: consumedEvent(confirmed(orderId), uniqueName('event')),
        check: async (outputs) => {
          expect(outputs).toEqual([]);
          expect((await readStockLevel(db(), a)).available).toBe(3);
          expect(await holdsOf(a)).toEqual([]);
        },
      };
    });
  });
});

describe('reading a SKU from the last version this process saw', () => {
  const db = () => mongo.db(names.database);
  /** What another process writes: the next version in the chain, and no copy in `stock`. */
  const writtenElsewhere = (name: string, version: number, available: number) =>
    db().collection('stock_changes').insertOne({ _id: `${name}@${version}` as never, sku: name, version, available, holds: [], kind: 'set', orderId: null, quantity: available, at: new Date() });

  it('follows versions another writer added after the one this process saw', async () => {
    const a = sku('A');
    await setStock(db(), a, 5);
    await setStock(db(), a, 6);
    await writtenElsewhere(a, 3, 7);
    await writtenElsewhere(a, 4, 8);
    expect(await readStockLevel(db(), a)).toMatchObject({ version: 4, available: 8 });
  });

  it('refreshes the stored copy every eighth version, and a reader with no hint follows the changes after it', async () => {
    const a = sku('A');
    for (let quantity = 1; quantity <= 11; quantity += 1) await setStock(db(), a, quantity);
    expect(await db().collection('stock').findOne({ _id: a as never })).toMatchObject({ version: 8, available: 8 });
    await db().collection('stock').deleteOne({ _id: a as never });
    await db().collection('stock_changes').deleteOne({ _id: `${a}@11` as never });
    // The hint (version 11) is gone, and so is the copy: the read walks the chain from the start.
    expect(await readStockLevel(db(), a)).toMatchObject({ version: 10, available: 10 });
  });

  it('starts from the stored copy when the version it saw is gone (the database was dropped)', async () => {
    const scratch = mongo.db(uniqueName('inventory-scratch'));
    const a = sku('A');
    await setStock(scratch, a, 5);
    await setStock(scratch, a, 6);
    await scratch.dropDatabase();
    await setStock(scratch, a, 9);
    expect(await readStockLevel(scratch, a)).toMatchObject({ version: 1, available: 9 });
    await scratch.dropDatabase();
  });
});
