import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { startInventoryService, type InventoryService } from '@tributary/inventory-service';
import { loadInventoryServiceSettings } from '@tributary/inventory-service/settings';
import { createEventProducer, deadLetterMessage, deadLetterTopic, ensureTopics, eventTopic, retryTopic, type Provenance } from '@tributary/kafka';
import { startOrderProjector, type OrderProjector } from '@tributary/order-projector';
import { loadOrderProjectorSettings } from '@tributary/order-projector/settings';
import { startPaymentGateway, type PaymentGateway } from '@tributary/payment-gateway';
import { loadPaymentGatewaySettings } from '@tributary/payment-gateway/settings';
import { startPaymentsService, type PaymentsService } from '@tributary/payments-service';
import { loadPaymentsServiceSettings } from '@tributary/payments-service/settings';
import type { Admin, KafkaMessage } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, readTopic, runTributary, serviceEnvironment, testKafka, testLogger, uniqueName } from './support.ts';

/**
 * Three consumer groups on one order flow: the projector reads the orders stream, inventory reserves
 * stock for it, payments charges what inventory reserved. The projector's group parked an order the
 * others handled; its redrive must reach the projector alone.
 */
const names = { ordersTopic: uniqueName('redrive-groups'), database: uniqueName('redrive-groups') };
const base = serviceEnvironment(names, { GATEWAY_LATENCY_MS: '5', GATEWAY_DECLINE_ABOVE: '10000', TOPIC_PARTITIONS: '3' });
const sku = uniqueName('SKU');
const orderId = uniqueName('order');
const ordersPartitions = 2;

let gateway: PaymentGateway;
let inventory: InventoryService;
let payments: PaymentsService;
let projector: OrderProjector | undefined;
let admin: Admin;
let mongo: MongoClient;
let env: typeof base & { PAYMENT_GATEWAY_URL: string };

/** Every request the gateway answered, replays included: the payments service's calls. */
const gatewayCalls = async (): Promise<number> => {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('gateway_payments_total{'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
};

const stock = async (): Promise<number> => ((await (await fetch(`${inventory.url}/stock/${sku}`)).json()) as { available: number }).available;

/** The records of a topic up to its end now. */
const recordCount = async (topic: string): Promise<number> => (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);

/** What the consumer runtime of `groupId` would have parked for the record at this position. */
const parkedAs = (original: KafkaMessage, groupId: string, partition: number): ReturnType<typeof deadLetterMessage> => {
  const at = new Date().toISOString();
  const provenance: Provenance = { originalTopic: names.ordersTopic, originalPartition: partition, originalOffset: original.offset, consumerGroup: groupId, errorCode: 'INTERNAL', errorMessage: 'projection bug, since fixed', attempts: 1, firstFailureAt: at, deadLetteredAt: at };
  return deadLetterMessage(original, provenance);
};

beforeAll(async () => {
  const kafka = testKafka();
  admin = kafka.admin();
  await admin.connect();
  mongo = new MongoClient(inject('backbone').mongoUri);
  // Fewer partitions than TOPIC_PARTITIONS: each group's retry topic must copy the stream's count.
  await ensureTopics(kafka, [eventTopic(names.ordersTopic, ordersPartitions, 1)]);
  gateway = await startPaymentGateway(loadPaymentGatewaySettings(base), testLogger('payment-gateway'));
  env = { ...base, PAYMENT_GATEWAY_URL: gateway.url };
  [inventory, payments] = await Promise.all([
    startInventoryService(loadInventoryServiceSettings(env), testLogger('inventory-service')),
    startPaymentsService(loadPaymentsServiceSettings(env), testLogger('payments-service')),
  ]);
  await fetch(`${inventory.url}/stock/${sku}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quantity: 5 }) });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([projector?.stop(), inventory?.stop(), payments?.stop()]);
  await gateway?.stop();
  await admin?.disconnect();
  await mongo?.close();
});

describe('redriving a record one consumer group parked', () => {
  it('reaches that group alone: the projector applies the order, inventory and payments do not act on it again', async () => {
    const codec = createAvroCodec({ registryUrl: inject('backbone').registryUrl, catalog: loadSchemaCatalog() });
    const producer = createEventProducer({ kafka: testKafka(), codec, producerName: 'orders-api' });
    await producer.connect();
    const placed = { orderId, customerId: 'c-redrive', currency: 'EUR', items: [{ sku, quantity: 1, unitPrice: '12.50' }], placedAt: new Date() };
    const [published] = await producer.publish(names.ordersTopic, [{ key: orderId, eventType: 'OrderPlaced', payload: placed }]);
    await producer.disconnect();
    if (!published) throw new Error('OrderPlaced was not published');

    // Inventory reserves, payments charges: the first and only time they should.
    await eventually(async () => ((await stock()) === 4 && (await gatewayCalls()) === 1 ? true : undefined), { timeoutMs: 30_000 });

    // The projector's group went past the order without applying it, and parked it.
    const projectorGroup = env.ORDER_PROJECTOR_GROUP;
    const ends = await admin.fetchTopicOffsets(names.ordersTopic);
    await admin.setOffsets({ groupId: projectorGroup, topic: names.ordersTopic, partitions: ends.map(({ partition, high }) => ({ partition, offset: high })) });
    const [original] = await readTopic(names.ordersTopic, 1);
    if (!original) throw new Error('OrderPlaced is not in the orders topic');
    // A second parked record that still fails (not Avro): read again from the retry topic, it is parked again as itself.
    const poison: KafkaMessage = { ...original, key: Buffer.from(`${orderId}-poison`), value: Buffer.from('not avro'), offset: '77' };
    const parking = testKafka().producer();
    await parking.connect();
    await parking.send({ topic: deadLetterTopic(names.ordersTopic), messages: [parkedAs(original, projectorGroup, published.partition), parkedAs(poison, projectorGroup, 1)] });
    await parking.disconnect();

    projector = await startOrderProjector(loadOrderProjectorSettings(env), testLogger('order-projector'));
    const views = mongo.db(names.database).collection<{ _id: string; customerId: string | null; timeline: { step: string }[]; _positions: { topic: string }[] }>('order_views');
    // The other streams' facts reach the view; the order itself is not applied yet.
    const before = await eventually(async () => {
      const view = await views.findOne({ _id: orderId });
      return view?.timeline.some((entry) => entry.step === 'PAYMENT_AUTHORIZED') ? view : undefined;
    }, { timeoutMs: 30_000 });
    expect(before).toMatchObject({ customerId: null });
    expect(before.timeline.map((entry) => entry.step)).not.toContain('PLACED');

    const projectorRetry = retryTopic(names.ordersTopic, projectorGroup);
    const partitions = await admin.fetchTopicMetadata({ topics: [projectorRetry, retryTopic(names.ordersTopic, env.INVENTORY_SERVICE_GROUP)] });
    expect(partitions.topics.map((topic) => topic.partitions.length)).toEqual([ordersPartitions, ordersPartitions]);

    const redriven = await runTributary('dlq', 'redrive', names.ordersTopic);
    expect(redriven.code, redriven.err.join('\n')).toBe(0);
    expect(redriven.out).toContain(`sent back 2 record(s) to the retry topics of ${projectorGroup} 2: INTERNAL 2`);

    const after = await eventually(async () => {
      const view = await views.findOne({ _id: orderId });
      return view?.customerId === 'c-redrive' ? view : undefined;
    }, { timeoutMs: 30_000 });
    expect(after.timeline.map((entry) => entry.step)).toEqual(expect.arrayContaining(['PLACED', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED']));
    expect(after._positions.map((position) => position.topic)).toContain(projectorRetry);
    // Summaries fold the orders stream: its retry topic counts as that stream.
    const summaries = mongo.db(names.database).collection<{ _id: string; orderCount: number }>('customer_summaries');
    expect(await eventually(async () => (await summaries.findOne({ _id: 'c-redrive' })) ?? undefined)).toMatchObject({ orderCount: 1 });

    // The poison record failed again: parked once more, under its first position in the orders topic.
    const relisted = await eventually(async () => {
      const listed = await runTributary('dlq', 'list', names.ordersTopic, '--json');
      const rows = listed.out.map((line) => JSON.parse(line) as { key: string; originalTopic: string; originalPartition: number; originalOffset: string; consumerGroup: string; errorCode: string; redriven: unknown });
      return rows.length === 3 ? rows : undefined;
    }, { timeoutMs: 30_000 });
    expect(relisted.filter((row) => row.redriven === null)).toEqual([
      expect.objectContaining({ key: `${orderId}-poison`, originalTopic: names.ordersTopic, originalPartition: 1, originalOffset: '77', consumerGroup: projectorGroup, errorCode: 'WIRE_FORMAT_INVALID' }),
    ]);
    expect(await admin.listTopics()).not.toContain(deadLetterTopic(projectorRetry));

    // Nothing reached the other groups: no second reservation, no second charge.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await stock()).toBe(4);
    expect(await gatewayCalls()).toBe(1);
    expect(await recordCount(names.ordersTopic)).toBe(1);
    expect(await recordCount(retryTopic(names.ordersTopic, env.INVENTORY_SERVICE_GROUP))).toBe(0);
    expect(await recordCount(retryTopic(env.INVENTORY_TOPIC, env.PAYMENTS_SERVICE_GROUP))).toBe(0);
  });
});
