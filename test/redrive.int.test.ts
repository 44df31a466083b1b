import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { createEnvelope, deadLetterMessage, deadLetterTopic, envelopeHeaders } from '@tributary/kafka';
import { startOrderProjector, type OrderProjector } from '@tributary/order-projector';
import { loadOrderProjectorSettings } from '@tributary/order-projector/settings';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, runTributary, serviceEnvironment, testKafka, testLogger, uniqueName } from './support.ts';

const names = { ordersTopic: uniqueName('redrive-orders'), database: uniqueName('redrive'), groupId: uniqueName('order-projector') };
let projector: OrderProjector;
let mongo: MongoClient;

beforeAll(async () => {
  projector = await startOrderProjector(loadOrderProjectorSettings(serviceEnvironment(names)), testLogger('order-projector'));
  mongo = new MongoClient(inject('backbone').mongoUri);
});

afterAll(async () => {
  await projector?.stop();
  await mongo?.close();
});

describe('redriving parked records after a fix', () => {
  it('returns them to the projector through its retry topic, the read model applies each once, and a second redrive sends nothing', async () => {
    // Valid orders an earlier, faulty projector version parked: after the fix they can be applied.
    const codec = createAvroCodec({ registryUrl: inject('backbone').registryUrl, catalog: loadSchemaCatalog() });
    const orderIds = ['parked-1', 'parked-2', 'parked-3'];
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic: deadLetterTopic(names.ordersTopic),
      messages: await Promise.all(
        orderIds.map(async (orderId, index) => {
          const value = await codec.encode(names.ordersTopic, 'OrderPlaced', { orderId, customerId: 'c-1', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 1, unitPrice: '3' }], placedAt: new Date() });
          const original = { key: Buffer.from(orderId), value, headers: envelopeHeaders(createEnvelope('OrderPlaced', 'orders-api')), offset: String(index), timestamp: String(Date.now()), attributes: 0 };
          return deadLetterMessage(original, {
            originalTopic: names.ordersTopic,
            originalPartition: 0,
            originalOffset: String(index),
            consumerGroup: names.groupId,
            errorCode: 'INTERNAL',
            errorMessage: 'projection bug, since fixed',
            attempts: 1,
            firstFailureAt: new Date().toISOString(),
            deadLetteredAt: new Date().toISOString(),
          });
        }),
      ),
    });
    await producer.disconnect();

    const first = await runTributary('dlq', 'redrive', names.ordersTopic);
    expect(first.code).toBe(0);
    const views = mongo.db(names.database).collection<{ _id: string; _version: number }>('order_views');
    await eventually(async () => ((await views.countDocuments()) === 3 ? true : undefined), { timeoutMs: 30_000 });

    const second = await runTributary('dlq', 'redrive', names.ordersTopic);
    expect(second.code).toBe(0);
    expect(second.out.join('\n') + second.err.join('\n')).toMatch(/already redriven|nothing/i);
    const listed = await runTributary('dlq', 'list', names.ordersTopic, '--json');
    expect(listed.code).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await views.countDocuments()).toBe(3);
    expect(await views.countDocuments({ _version: { $ne: 1 } })).toBe(0);
    expect(await views.findOne({ _id: 'parked-2' })).toMatchObject({ status: 'PLACED', total: '3' });
  });
});
