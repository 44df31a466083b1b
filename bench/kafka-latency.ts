import { setTimeout as sleep } from 'node:timers/promises';
import type { AvroCodec } from '@tributary/avro';
import { ensureTopics, eventTopic } from '@tributary/kafka';
import type { Kafka } from 'kafkajs';
import { sampleOrder } from './sample-order.ts';

/**
 * Kafka alone, the baseline of the latency benchmarks: records stamped at send, at `rate` per
 * second for `seconds`, consumed by a plain kafkajs consumer on the same broker. Returns each
 * record's produce-to-consume time in milliseconds.
 */
export const kafkaLatency = async ({ kafka, codec, topic }: { kafka: Kafka; codec: AvroCodec; topic: string }, rate: number, seconds: number): Promise<number[]> => {
  await ensureTopics(kafka, [eventTopic(topic, 6, 1)]);
  const consumer = kafka.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 100 });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topic, fromBeginning: false });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: ({ message }) => {
        latencies.push(Date.now() - Number(message.headers?.['sent-at']?.toString() ?? '0'));
        if (latencies.length >= total) resolve();
        return Promise.resolve();
      },
    });
  });
  while (!joined) await sleep(50);
  // Offsets "latest" are fixed at join; a moment more lets the fetch loop start before the first send.
  await sleep(500);
  const value = await codec.encode(topic, 'OrderPlaced', sampleOrder(0));
  const started = Date.now();
  const sends: Promise<unknown>[] = [];
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * rate) + 1);
    for (; sent < due; sent += 1) sends.push(producer.send({ topic, acks: -1, messages: [{ key: String(sent), value, headers: { 'sent-at': String(Date.now()) } }] }));
    await sleep(5);
  }
  await Promise.all(sends);
  await Promise.race([done, sleep(30_000)]);
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
  return latencies;
};
