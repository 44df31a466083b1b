import { createAvroCodec, fromWireFormat, loadSchemaCatalog } from '@tributary/avro';
import { createEventProducer, ensureTopics, eventTopic } from '@tributary/kafka';
import { startOrderProjector, type OrderProjector } from '@tributary/order-projector';
import { loadOrderProjectorSettings } from '@tributary/order-projector/settings';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, readTopic, serviceEnvironment, testKafka, testLogger, uniqueName } from './support.ts';

const names = { ordersTopic: uniqueName('orders'), database: uniqueName('evolution'), groupId: uniqueName('order-projector') };
const env = serviceEnvironment(names);
let projector: OrderProjector;
let mongo: MongoClient;

const line = { sku: 'SKU-1', quantity: 2, unitPrice: '5.25' };
const base = (orderId: string) => ({ orderId, customerId: 'c-1', currency: 'EUR', items: [line], placedAt: new Date('2026-05-01T12:00:00Z') });

beforeAll(async () => {
  await ensureTopics(testKafka(), [eventTopic(names.ordersTopic, 3, 1)]);
  projector = await startOrderProjector(loadOrderProjectorSettings(env), testLogger('order-projector'));
  mongo = new MongoClient(inject('backbone').mongoUri);
});

afterAll(async () => {
  await projector?.stop();
  await mongo?.close();
});

describe('OrderPlaced v1 and v2 on one topic', () => {
  it('projects both into the v2 reader shape through Avro schema resolution', async () => {
    const codec = createAvroCodec({ registryUrl: inject('backbone').registryUrl, catalog: loadSchemaCatalog() });
    const producer = createEventProducer({ kafka: testKafka(), codec, producerName: 'evolution-test' });
    await producer.connect();
    // An older producer still on v1 and a newer one on v2 write to the same topic.
    const [v1] = await producer.publish(names.ordersTopic, [{ key: 'order-v1', eventType: 'OrderPlaced', version: 1, payload: base('order-v1') }]);
    const [v2] = await producer.publish(names.ordersTopic, [
      { key: 'order-v2', eventType: 'OrderPlaced', version: 2, payload: { ...base('order-v2'), channel: 'MOBILE', promoCode: 'SPRING-10' } },
    ]);
    await producer.disconnect();

    const views = mongo.db(names.database).collection<{ _id: string }>('order_views');
    const [fromV1, fromV2] = await eventually(async () => {
      const found = await Promise.all([views.findOne({ _id: 'order-v1' }), views.findOne({ _id: 'order-v2' })]);
      return found.every(Boolean) ? found : undefined;
    });
    expect(fromV1).toMatchObject({ orderId: 'order-v1', channel: 'WEB', promoCode: null, total: '10.5' });
    expect(fromV2).toMatchObject({ orderId: 'order-v2', channel: 'MOBILE', promoCode: 'SPRING-10', total: '10.5' });

    // The two records really carry two different writer schemas.
    const consumerCodec = createAvroCodec({ registryUrl: inject('backbone').registryUrl, catalog: loadSchemaCatalog() });
    const records = (await readTopic(names.ordersTopic, 2)).flatMap((record) => (record.value ? [record.value] : []));
    const schemaIds = new Set(records.map((value) => fromWireFormat(value).schemaId));
    expect(schemaIds.size).toBe(2);
    expect((await Promise.all(records.map((value) => consumerCodec.decode(value)))).map((d) => d.payload['channel']).sort()).toEqual(['MOBILE', 'WEB']);
    expect([v1?.offset, v2?.offset].every((offset) => offset !== '-1')).toBe(true);
  });
});
