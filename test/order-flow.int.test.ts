import { setTimeout as sleep } from 'node:timers/promises';
import { createAvroCodec, fromWireFormat, loadSchemaCatalog, toWireFormat } from '@tributary/avro';
import { startOrderProjector, type OrderProjector } from '@tributary/order-projector';
import { loadOrderProjectorSettings } from '@tributary/order-projector/settings';
import { startOrdersApi, type OrdersApi } from '@tributary/orders-api';
import { loadOrdersApiSettings } from '@tributary/orders-api/settings';
import { startQueryApi, type QueryApi } from '@tributary/query-api';
import { loadQueryApiSettings } from '@tributary/query-api/settings';
import { createEventProducer, readHeaders, readProvenance } from '@tributary/kafka';
import type { Admin } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, readTopic, serviceEnvironment, testKafka, testLogger, uniqueName } from './support.ts';

const names = { ordersTopic: uniqueName('orders'), database: uniqueName('orderflow'), groupId: uniqueName('order-projector') };
const env = serviceEnvironment(names);

let ordersApi: OrdersApi;
let projector: OrderProjector;
let queryApi: QueryApi;
let admin: Admin;

const placeOrder = (body: unknown) =>
  fetch(`${ordersApi.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const validOrder = { customerId: 'customer-1', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 3, unitPrice: 0.1 }, { sku: 'SKU-2', quantity: 1, unitPrice: '19.99' }] };

const endOffsets = async (): Promise<Record<number, string>> =>
  Object.fromEntries((await admin.fetchTopicOffsets(names.ordersTopic)).map((p) => [p.partition, p.high]));

const readOrder = async (orderId: string) => {
  const res = await fetch(`${queryApi.url}/orders/${orderId}`);
  return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
};

beforeAll(async () => {
  ordersApi = await startOrdersApi(loadOrdersApiSettings(env), testLogger('orders-api'));
  projector = await startOrderProjector(loadOrderProjectorSettings(env), testLogger('order-projector'));
  queryApi = await startQueryApi(loadQueryApiSettings(env), testLogger('query-api'));
  admin = testKafka().admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await queryApi?.stop();
  await projector?.stop();
  await ordersApi?.stop();
});

describe('the order flow on the real backbone', () => {
  it('accepts an order over HTTP and serves it from the read model through Kafka, the registry and the store', async () => {
    const res = await placeOrder(validOrder);
    expect(res.status).toBe(202);
    const { orderId } = (await res.json()) as { orderId: string };
    const started = Date.now();
    const view = await eventually(() => readOrder(orderId), { timeoutMs: 20_000 });
    console.log(`order ${orderId} readable from the query API ${Date.now() - started} ms after the 202`);
    expect(view).toMatchObject({
      orderId,
      customerId: 'customer-1',
      status: 'PLACED',
      currency: 'EUR',
      total: '20.29',
      items: [
        { sku: 'SKU-1', quantity: 3, unitPrice: '0.1', lineTotal: '0.3' },
        { sku: 'SKU-2', quantity: 1, unitPrice: '19.99', lineTotal: '19.99' },
      ],
    });
    expect(view).not.toHaveProperty('_positions');
  });

  it('writes records in the Confluent wire format with a schema id the registry resolves to OrderPlaced', async () => {
    const res = await placeOrder(validOrder);
    const { orderId } = (await res.json()) as { orderId: string };
    const consumer = testKafka().consumer({ groupId: uniqueName('wire-check') });
    await consumer.connect();
    await consumer.subscribe({ topic: names.ordersTopic, fromBeginning: true });
    const record = await new Promise<{ value: Buffer; headers: Record<string, string> }>((resolve) => {
      void consumer.run({
        eachMessage: ({ message }) => {
          if (message.key?.toString() === orderId && message.value) {
            resolve({ value: message.value, headers: readHeaders(message.headers) });
          }
          return Promise.resolve();
        },
      });
    });
    await consumer.disconnect();

    expect(record.value[0]).toBe(0);
    const { schemaId } = fromWireFormat(record.value);
    const registered = (await (await fetch(`${inject('backbone').registryUrl}/schemas/ids/${schemaId}`)).json()) as { schema: string };
    expect(JSON.parse(registered.schema)).toMatchObject({ name: 'OrderPlaced', namespace: 'io.tributary.orders' });
    expect(record.headers).toMatchObject({ 'event-type': 'OrderPlaced', producer: 'orders-api' });
    for (const header of ['event-id', 'occurred-at', 'correlation-id', 'traceparent']) expect(record.headers[header]).toBeTruthy();
  });

  it('answers 400 naming each bad field and produces nothing for an invalid order', async () => {
    const before = await endOffsets();
    const res = await placeOrder({ customerId: '', currency: 'euro', items: [{ sku: 'SKU-1', quantity: 0, unitPrice: 'cheap' }], extra: 1 });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { fields: { field: string }[] } } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.fields.map((f) => f.field)).toEqual(expect.arrayContaining(['customerId', 'currency', 'items[0].quantity', 'items[0].unitPrice']));

    const malformed = await fetch(`${ordersApi.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"customerId":' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
    await sleep(500);
    expect(await endOffsets()).toEqual(before);
  });

  it('answers 404 with a JSON error for an order it does not know', async () => {
    const res = await fetch(`${queryApi.url}/orders/no-such-order`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('changes nothing in the read model when events are delivered again', async () => {
    const { orderId } = (await (await placeOrder(validOrder)).json()) as { orderId: string };
    await eventually(() => readOrder(orderId));
    const mongo = new MongoClient(inject('backbone').mongoUri);
    const views = mongo.db(names.database).collection('order_views');
    const before = await views.find({}).sort({ _id: 1 }).toArray();

    // Redelivery: the group's committed offsets go back to the start, so every event comes again.
    await projector.stop();
    await admin.resetOffsets({ groupId: names.groupId, topic: names.ordersTopic, earliest: true });
    projector = await startOrderProjector(loadOrderProjectorSettings(env), testLogger('order-projector'));
    await eventually(async () => {
      const committed = await admin.fetchOffsets({ groupId: names.groupId, topics: [names.ordersTopic] });
      const ends = await endOffsets();
      return committed[0]?.partitions.every((p) => ends[p.partition] === '0' || p.offset === ends[p.partition]) ? true : undefined;
    }, { timeoutMs: 30_000 });

    expect(await views.find({}).sort({ _id: 1 }).toArray()).toEqual(before);
    await mongo.close();
  });

  it('parks records that are not Avro, name an unknown schema or do not decode in <topic>.dlq, and keeps projecting', async () => {
    const registered = fromWireFormat((await codecForTests().encode(names.ordersTopic, 'OrderPlaced', { orderId: 'x', customerId: 'c', currency: 'EUR', items: [], placedAt: new Date() }))).schemaId;
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic: names.ordersTopic,
      messages: [
        { key: 'poison-json', value: '{"not":"avro"}' },
        { key: 'poison-unknown-id', value: toWireFormat(2_147_000_000, Buffer.from([2, 4])) },
        { key: 'poison-body', value: toWireFormat(registered, Buffer.from([0xff, 0xff, 0xff])) },
      ],
    });
    await producer.disconnect();
    const { orderId } = (await (await placeOrder(validOrder)).json()) as { orderId: string };
    expect(await eventually(() => readOrder(orderId))).toMatchObject({ orderId });

    const parked = await readTopic(`${names.ordersTopic}.dlq`, 3);
    const provenance = parked.map((record) => readProvenance(record.headers));
    expect(provenance.map((p) => p?.errorCode).sort()).toEqual(['DECODE_FAILED', 'UNKNOWN_SCHEMA_ID', 'WIRE_FORMAT_INVALID']);
    for (const p of provenance) expect(p).toMatchObject({ originalTopic: names.ordersTopic, consumerGroup: names.groupId, attempts: 1 });
    expect(parked.map((record) => record.key?.toString()).sort()).toEqual(['poison-body', 'poison-json', 'poison-unknown-id']);

    const address = projector.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/consumer_dead_lettered_total\{[^}]*code="UNKNOWN_SCHEMA_ID"[^}]*\} 1/);
  });
});


const codecForTests = () => createAvroCodec({ registryUrl: inject('backbone').registryUrl, catalog: loadSchemaCatalog() });

describe('events of one order arriving out of order across topics', () => {
  it('project to the same view: a payment outcome before the reservation, both before the order', async () => {
    const producer = createEventProducer({ kafka: testKafka(), codec: codecForTests(), producerName: 'out-of-order-test' });
    await producer.connect();
    const orderId = uniqueName('late-order');
    const at = (second: number) => new Date(Date.UTC(2026, 4, 1, 12, 0, second));
    await producer.publish(env.PAYMENTS_TOPIC, [
      { key: orderId, eventType: 'PaymentAuthorized', payload: { orderId, amount: '5', currency: 'EUR', authorizationId: 'auth-1', authorizedAt: at(2) } },
    ]);
    await producer.publish(env.INVENTORY_TOPIC, [{ key: orderId, eventType: 'StockReserved', payload: { orderId, items: [{ sku: 'SKU-1', quantity: 2 }], reservedAt: at(1) } }]);
    const early = await eventually(async () => {
      const view = await readOrder(orderId);
      return view?.['timeline'] && (view['timeline'] as unknown[]).length === 2 ? view : undefined;
    });
    expect(early).toMatchObject({ status: 'PAYMENT_AUTHORIZED', customerId: null });
    await producer.publish(names.ordersTopic, [
      { key: orderId, eventType: 'OrderPlaced', payload: { orderId, customerId: 'c-9', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 2, unitPrice: '2.5' }], placedAt: at(0) } },
    ]);
    const view = await eventually(async () => {
      const found = await readOrder(orderId);
      return found?.['customerId'] === 'c-9' ? found : undefined;
    });
    expect(view).toMatchObject({
      status: 'PAYMENT_AUTHORIZED',
      total: '5',
      timeline: [
        { step: 'PLACED', at: at(0).toISOString() },
        { step: 'STOCK_RESERVED', at: at(1).toISOString() },
        { step: 'PAYMENT_AUTHORIZED', at: at(2).toISOString() },
      ],
    });
    await producer.disconnect();
  });
});

// The codec round trip against the real registry, without the services in between.
describe('the Avro codec on the real registry', () => {
  it('registers once per subject and decodes what it encoded', async () => {
    const codec = createAvroCodec({ registryUrl: inject('backbone').registryUrl, catalog: loadSchemaCatalog() });
    const event = { orderId: 'o-1', customerId: 'c-1', currency: 'EUR', items: [{ sku: 'A', quantity: 1, unitPrice: '1.5' }], placedAt: new Date('2026-01-01T00:00:00Z') };
    const [first, second] = await Promise.all([codec.encode(names.ordersTopic, 'OrderPlaced', event), codec.encode(names.ordersTopic, 'OrderPlaced', event)]);
    expect(first.subarray(0, 5)).toEqual(second?.subarray(0, 5));
    const decoded = await codec.decode(first);
    expect(decoded).toMatchObject({ eventType: 'OrderPlaced', payload: event });
  });
});
