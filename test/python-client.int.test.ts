import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { keyPartitioner } from '@tributary/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFlow, type Flow } from './faults/flow.ts';
import { pythonTools } from './fuzz/schemathesis.ts';
import { eventually, readTopic, testKafka } from './support.ts';

/*
 * The platform as a client in another language sees it: Python's confluent-kafka (librdkafka)
 * produces an order from the repository's own .avsc, looking its schema up without registering
 * it, and decodes every event the flow wrote with its AvroDeserializer.
 */
const repo = fileURLToPath(new URL('..', import.meta.url));
const script = fileURLToPath(new URL('./python/kafka_client.py', import.meta.url));
const schemaFile = fileURLToPath(new URL('../schemas/avro/orders/OrderPlaced.v2.avsc', import.meta.url));

let flow: Flow;
let python: string;

const runPython = (args: string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(python, [script, ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`kafka_client.py ${args[0]} exited ${code}:\n${err.slice(-3000)}`))));
  });

const backbone = () => inject('backbone');
const ordersTopic = () => flow.env['ORDERS_TOPIC'] ?? '';

const produceFromPython = async (order: Record<string, unknown>, headers: boolean): Promise<{ partition: number }> =>
  JSON.parse(await runPython(['produce', backbone().kafkaBrokers.join(','), backbone().registryUrl, ordersTopic(), schemaFile, JSON.stringify(order), ...(headers ? ['--headers'] : [])])) as { partition: number };

const statusOf = async (orderId: string): Promise<string | undefined> => {
  const res = await fetch(`${flow.url('query-api')}/orders/${orderId}`);
  return res.status === 200 ? ((await res.json()) as { status: string }).status : undefined;
};

const finalStatus = (orderId: string) => eventually(async () => ((await statusOf(orderId))?.match(/^(CONFIRMED|REJECTED|CANCELLED)$/) ? statusOf(orderId) : undefined), { timeoutMs: 45_000, intervalMs: 250 });

const placeOverHttp = async (items: { sku: string; quantity: number; unitPrice: string }[]): Promise<string> => {
  const res = await fetch(`${flow.url('orders-api')}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId: 'c-http', currency: 'EUR', items }) });
  expect(res.status).toBe(202);
  return ((await res.json()) as { orderId: string }).orderId;
};

const pythonOrder = (orderId: string) => ({ orderId, customerId: 'c-python', currency: 'EUR', items: [{ sku: 'SKU-PY', quantity: 2, unitPrice: '9.995' }], placedAt: Date.now(), channel: 'API', promoCode: null });

/** A decoded value in the shape the Python side prints: timestamps as epoch milliseconds. */
const plain = (value: unknown): unknown =>
  value instanceof Date ? value.getTime() : Array.isArray(value) ? value.map(plain) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)])) : value;

beforeAll(async () => {
  python = await pythonTools();
  flow = await startFlow('pyclient');
  const stock = await fetch(`${flow.url('inventory-service')}/stock/SKU-PY`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quantity: 1000 }) });
  expect(stock.status).toBe(200);
}, 240_000);

afterAll(async () => {
  await flow?.stop();
});

describe('a Python confluent-kafka client', () => {
  const pythonOrders: string[] = [];

  it('produces OrderPlaced from the repository .avsc without registering it, on the partition the platform uses, and the order is confirmed', async () => {
    // The platform's first order registers OrderPlaced under the topic's subject.
    expect(await finalStatus(await placeOverHttp([{ sku: 'SKU-PY', quantity: 1, unitPrice: '1.5' }]))).toBe('CONFIRMED');
    const admin = testKafka().admin();
    await admin.connect();
    const partitionMetadata = (await admin.fetchTopicMetadata({ topics: [ordersTopic()] })).topics[0]?.partitions ?? [];
    await admin.disconnect();
    for (const headers of [true, false]) {
      const orderId = randomUUID();
      pythonOrders.push(orderId);
      const { partition } = await produceFromPython(pythonOrder(orderId), headers);
      // murmur2_random in librdkafka and kafkajs's DefaultPartitioner agree: the order's events share a partition.
      expect(partition).toBe(keyPartitioner()({ topic: ordersTopic(), partitionMetadata, message: { key: orderId, value: null } }));
      expect(await finalStatus(orderId)).toBe('CONFIRMED');
    }
  }, 120_000);

  it('decodes every event the flow produces as the platform wrote it', async () => {
    // Out of stock, declined (the gateway declines above 100), and cancelled while the gateway is slow.
    const rejected = await placeOverHttp([{ sku: 'SKU-NONE', quantity: 1, unitPrice: '1' }]);
    const declined = await placeOverHttp([{ sku: 'SKU-PY', quantity: 1, unitPrice: '250.25' }]);
    await fetch(`${flow.gatewayUrl}/admin/behaviour`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 4000 }) });
    const cancelled = await placeOverHttp([{ sku: 'SKU-PY', quantity: 1, unitPrice: '3' }]);
    await eventually(async () => ((await fetch(`${flow.url('orders-api')}/orders/${cancelled}/cancel`, { method: 'POST' })).status === 202 ? true : undefined), { timeoutMs: 20_000, intervalMs: 200 });
    await fetch(`${flow.gatewayUrl}/admin/behaviour`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 5 }) });
    expect([await finalStatus(rejected), await finalStatus(declined), await finalStatus(cancelled)]).toEqual(['REJECTED', 'REJECTED', 'CANCELLED']);
    // Let the saga's and the inventory's last answers land before reading the topics to their end.
    await new Promise((resolve) => setTimeout(resolve, 6_000));

    const decoded = (await runPython(['decode', backbone().kafkaBrokers.join(','), backbone().registryUrl, ...flow.topics]))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { topic: string; partition: number; offset: number; key: string; value: unknown });
    const codec = createAvroCodec({ registryUrl: backbone().registryUrl, catalog: loadSchemaCatalog() });
    const seen = new Set<string>();
    for (const topic of flow.topics) {
      const fromPython = decoded.filter((record) => record.topic === topic);
      const records = await readTopic(topic, fromPython.length);
      const byPosition = new Map(fromPython.map((record) => [`${record.partition}:${record.offset}`, record]));
      for (const record of records) {
        const { eventType, payload } = await codec.decode(record.value);
        seen.add(eventType);
        const python = [...byPosition.values()].find((candidate) => candidate.key === record.key?.toString() && JSON.stringify(candidate.value) === JSON.stringify(plain(payload)));
        expect(python, `${topic} ${eventType} ${record.key?.toString()} decodes alike`).toBeDefined();
      }
    }
    console.log(`Python decoded ${decoded.length} records of ${flow.topics.length} topics alike: ${[...seen].sort().join(', ')}`);
    expect([...seen].sort()).toEqual(['OrderCancelled', 'OrderConfirmed', 'OrderPlaced', 'OrderRejected', 'PaymentAuthorized', 'PaymentDeclined', 'StockRejected', 'StockReleased', 'StockReserved']);
    // Every order's events on the orders topic share one partition, the Python-produced ones included.
    for (const orderId of pythonOrders) expect(new Set(decoded.filter((record) => record.topic === ordersTopic() && record.key === orderId).map((record) => record.partition)).size).toBe(1);
  }, 180_000);
});
