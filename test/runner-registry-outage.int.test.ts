import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { createConsumerRunner, createEventProducer, deadLetterTopic, ensureTopics, eventTopic, type ConsumedEvent } from '@tributary/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, testKafka, testLogger, uniqueName } from './support.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

/**
 * A consumer whose codec has never seen the schema id of the records it fetches, while the
 * registry is unreachable: it must wait (retry, then pause) rather than crash, since every crash
 * of a kafkajs consumer leaves and rejoins its group.
 */
const topic = uniqueName('registry-outage');
const orderPlaced = (orderId: string) => ({ key: orderId, eventType: 'OrderPlaced', payload: { orderId, customerId: 'c-1', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 1, unitPrice: '1.25' }], placedAt: new Date() } });

let registryProxy: TcpProxy;

beforeAll(async () => {
  await ensureTopics(testKafka(), [eventTopic(topic, 1, 1), eventTopic(deadLetterTopic(topic), 1, 1)]);
  const registry = new URL(inject('backbone').registryUrl);
  registryProxy = await startTcpProxy(Number(registry.port), registry.hostname);
});

afterAll(async () => {
  await registryProxy?.close();
});

describe('the consumer runtime while the registry is down', { timeout: 90_000 }, () => {
  it('pauses a partition whose records it cannot decode yet, without crashing, and handles them once the registry is back', async () => {
    const registryUrl = new URL(inject('backbone').registryUrl);
    registryUrl.port = String(registryProxy.port);
    const handled: ConsumedEvent[] = [];
    const notReady: string[] = [];
    const logger = testLogger('runner');
    const runner = createConsumerRunner<Record<string, unknown>>({
      kafka: testKafka(),
      codec: createAvroCodec({ registryUrl: registryUrl.toString(), catalog: loadSchemaCatalog() }),
      logger,
      groupId: uniqueName('registry-outage-group'),
      topics: [topic],
      retry: { attempts: 2, initialDelayMs: 100, maxDelayMs: 200 },
      probeIntervalMs: 300,
      stallCheckIntervalMs: 0,
      handleBatch: (events) => {
        handled.push(...events);
        return Promise.resolve();
      },
    });
    const producer = createEventProducer({ kafka: testKafka(), codec: createAvroCodec({ registryUrl: inject('backbone').registryUrl, catalog: loadSchemaCatalog() }), producerName: 'registry-outage-test' });
    await producer.connect();
    await runner.start();
    try {
      await eventually(() => Promise.resolve(runner.joined || undefined), { timeoutMs: 30_000 });
      registryProxy.cut();
      await producer.publish(topic, [orderPlaced('unseen-schema-1'), orderPlaced('unseen-schema-2')]);

      // Longer than the runner's retries in place, and than the ones kafkajs makes of a batch that
      // throws before it crashes the consumer (about 10 s): the consumer stays in its group throughout.
      const watch = setInterval(() => {
        const { reason } = runner.readiness();
        if (reason !== undefined) notReady.push(reason);
      }, 50);
      await new Promise((resolve) => setTimeout(resolve, 15_000));
      clearInterval(watch);
      expect([...new Set(notReady)]).toEqual([]);
      expect(runner.joined).toBe(true);
      expect(handled).toEqual([]);

      registryProxy.restore();
      await eventually(() => Promise.resolve(handled.length === 2 || undefined), { timeoutMs: 30_000 });
      expect(handled.map((event) => event.key)).toEqual(['unseen-schema-1', 'unseen-schema-2']);
    } finally {
      registryProxy.restore();
      await runner.stop();
      await producer.disconnect();
    }
  });
});
