import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { createTransactionalEventProducer, ensureTopics, eventTopic, transactionalIdOf } from '@tributary/kafka';
import { Partitioners } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { readTopic, testKafka, uniqueName } from './support.ts';

const orderPlaced = (orderId: string) => ({ key: orderId, eventType: 'OrderPlaced', payload: { orderId, customerId: 'c-1', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 1, unitPrice: '1.25' }], placedAt: new Date() } });

describe('transactional producers across a restart', { timeout: 60_000 }, () => {
  it('a restarted instance fences the transaction its killed predecessor left open, so read-committed readers go on at once', async () => {
    const kafka = testKafka();
    const topic = uniqueName('fencing');
    await ensureTopics(kafka, [eventTopic(topic, 1, 1)]);
    const instanceId = uniqueName('host');

    // The predecessor: mid-transaction when it died, with a timeout far beyond what the test waits.
    const predecessor = kafka.producer({
      transactionalId: transactionalIdOf('fencing-test', instanceId, 0),
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 120_000,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await predecessor.connect();
    const open = await predecessor.transaction();
    await open.send({ topic, messages: [{ key: 'orphan', value: 'never committed' }] });

    const restarted = createTransactionalEventProducer({
      kafka,
      codec: createAvroCodec({ registryUrl: inject('backbone').registryUrl, catalog: loadSchemaCatalog() }),
      producerName: 'fencing-test',
      instanceId,
    });
    try {
      expect(restarted.transactionalId).toBe(transactionalIdOf('fencing-test', instanceId, 0));
      const started = Date.now();
      await restarted.connect();
      await restarted.publishAndCommit([{ topic, events: [orderPlaced('after-restart')] }], { groupId: uniqueName('fencing-group'), positions: [{ topic, partition: 0, offset: '0' }] });
      const [record] = await readTopic(topic, 1);
      expect(record?.key?.toString()).toBe('after-restart');
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await restarted.disconnect();
      await predecessor.disconnect().catch(() => undefined);
    }
  });
});
