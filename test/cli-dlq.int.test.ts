import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { deadLetterHeaders, deadLetterMessage, deadLetterTopic, ensureTopics, envelopeHeaders, createEnvelope, eventTopic, readHeaders, redrivenFromHeader, retryTopic } from '@tributary/kafka';
import { Partitioners, type KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, testKafka, uniqueName, runTributary } from './support.ts';

const topic = uniqueName('dlq-orders');
const dlq = deadLetterTopic(topic);
const kafka = testKafka();
/** The retry topics of the two groups that parked records, as their services create them at start. */
const projectorRetry = retryTopic(topic, 'order-projector');
const inventoryRetry = retryTopic(topic, 'inventory-service');

const tributary = runTributary;

/** What the consumer runtime parks: the original record, plus provenance headers. */
const parked = [
  { key: 'o-1', partition: 0, offset: '10', code: 'DECODE_FAILED', group: 'order-projector' },
  { key: 'o-2', partition: 1, offset: '11', code: 'DECODE_FAILED', group: 'order-projector' },
  { key: 'o-3', partition: 2, offset: '12', code: 'UNKNOWN_SCHEMA_ID', group: 'inventory-service' },
  { key: 'o-4', partition: 0, offset: '13', code: 'EVENT_NOT_APPLICABLE', group: 'order-projector' },
];

/** Every committed record of the topics, read until `expected` arrived and a second passed with nothing more. */
const readTopics = async (topics: readonly string[], expected: number): Promise<(KafkaMessage & { topic: string })[]> => {
  const consumer = kafka.consumer({ groupId: uniqueName('dlq-reader') });
  const seen: (KafkaMessage & { topic: string })[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  await consumer.run({ eachMessage: ({ topic: from, message }) => Promise.resolve(void seen.push({ ...message, topic: from })) });
  try {
    if (expected > 0) await eventually(() => Promise.resolve(seen.length >= expected ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return seen;
  } finally {
    await consumer.disconnect();
  }
};

beforeAll(async () => {
  await ensureTopics(kafka, [eventTopic(topic, 3, 1), eventTopic(dlq, 3, 1), eventTopic(projectorRetry, 3, 1), eventTopic(inventoryRetry, 3, 1)]);
  const backbone = inject('backbone');
  const codec = createAvroCodec({ registryUrl: backbone.registryUrl, catalog: loadSchemaCatalog() });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const messages = await Promise.all(
    parked.map(async ({ key, partition, offset, code, group }, index) => {
      const value = await codec.encode(topic, 'OrderPlaced', { orderId: key, customerId: 'c-1', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 1, unitPrice: '1.50' }], placedAt: new Date() });
      const original = { key: Buffer.from(key), value, headers: envelopeHeaders(createEnvelope('OrderPlaced', 'test')), offset, timestamp: String(Date.now()), attributes: 0 } satisfies KafkaMessage;
      const at = new Date(Date.UTC(2026, 1, 1, 9, index)).toISOString();
      return { ...deadLetterMessage(original, { originalTopic: topic, originalPartition: partition, originalOffset: offset, consumerGroup: group, errorCode: code, errorMessage: `${code} at ${offset}`, attempts: 3, firstFailureAt: at, deadLetteredAt: at }), partition: 0 };
    }),
  );
  await producer.send({ topic: dlq, messages });
  await producer.disconnect();
});

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic, dlq, `${dlq}.redriven`, projectorRetry, inventoryRetry] }).catch(() => undefined);
  await admin.disconnect();
});

describe('tributary dlq', () => {
  it('lists every parked record with its provenance, none redriven yet', async () => {
    const listed = await tributary('dlq', 'list', topic);
    expect(listed.code, listed.err.join('\n')).toBe(0);
    expect(listed.out[0]?.split('\n')[0]).toMatch(/^DLQ\s+ORIGINAL\s+GROUP\s+KEY\s+CODE\s+ATTEMPTS/);
    expect(listed.out[0]?.split('\n')).toHaveLength(5);
    expect(listed.out[0]).toContain(`0:0  ${topic}:0:10  order-projector    o-1  DECODE_FAILED`);
    expect(listed.out[0]).toContain(`0:2  ${topic}:2:12  inventory-service  o-3  UNKNOWN_SCHEMA_ID`);
    expect(listed.err.join('\n')).toContain(`4 parked record(s) in ${dlq}; 0 redriven, 4 not`);
  });

  it('sends back only the matching records, each to the retry topic of its group, once, whatever later runs ask for', async () => {
    const dry = await tributary('dlq', 'redrive', topic, '--filter', 'code=DECODE_FAILED', '--dry-run');
    expect(dry.out).toContain(`would send back 2 record(s) to the retry topics of order-projector 2: DECODE_FAILED 2`);
    expect(dry.out).toContain(`would send 0:0 (${topic}:0:10) key o-1 DECODE_FAILED -> ${projectorRetry}`);

    const first = await tributary('dlq', 'redrive', topic, '--filter', 'code=DECODE_FAILED');
    expect(first.code).toBe(0);
    expect(first.out).toContain(`sent back 2 record(s) to the retry topics of order-projector 2: DECODE_FAILED 2`);
    const arrived = await readTopics([projectorRetry], 2);
    expect(arrived.map((m) => m.key?.toString()).sort()).toEqual(['o-1', 'o-2']);
    for (const message of arrived) {
      const headers = readHeaders(message.headers);
      expect(headers[redrivenFromHeader]).toMatch(new RegExp(`^${dlq}:0:[01]$`));
      expect(headers['event-type']).toBe('OrderPlaced');
      expect(headers['retry-original-topic']).toBe(topic);
      expect(Object.keys(headers).filter((name) => (Object.values(deadLetterHeaders) as string[]).includes(name))).toEqual([]);
    }
    const o2 = arrived.find((m) => m.key?.toString() === 'o-2');
    expect(readHeaders(o2?.headers)).toMatchObject({ 'retry-original-partition': '1', 'retry-original-offset': '11' });

    const again = await tributary('dlq', 'redrive', topic, '--filter', 'code=DECODE_FAILED');
    expect(again.out).toContain('sent back 0 record(s)');
    expect(again.out).toContain('skipped 2 already redriven: DECODE_FAILED 2');

    const overlapping = await tributary('dlq', 'redrive', topic, '--filter', 'key=o-1,key=o-3');
    expect(overlapping.out).toContain(`sent back 1 record(s) to the retry topics of inventory-service 1: UNKNOWN_SCHEMA_ID 1`);
    expect(overlapping.out).toContain('skipped 1 already redriven: DECODE_FAILED 1');
    const everywhere = await readTopics([topic, projectorRetry, inventoryRetry], 3);
    expect(everywhere.map((m) => `${m.topic} ${m.key?.toString()}`).sort()).toEqual([`${inventoryRetry} o-3`, `${projectorRetry} o-1`, `${projectorRetry} o-2`]);

    const listed = await tributary('dlq', 'list', topic, '--json');
    const rows = listed.out.map((line) => JSON.parse(line) as { key: string; consumerGroup: string; redriven: { to: string } | null });
    expect(Object.fromEntries(rows.map((row) => [row.key, row.redriven !== null]))).toEqual({ 'o-1': true, 'o-2': true, 'o-3': true, 'o-4': false });
    expect(rows.find((row) => row.key === 'o-3')).toMatchObject({ consumerGroup: 'inventory-service', redriven: { to: expect.stringMatching(new RegExp(`^${inventoryRetry}:\\d:\\d+$`)) as unknown } });
  });

  it('rolls back a redrive that crashed mid-transaction and sends the record once on the next run', async () => {
    // A run that died after sending o-4 and its ledger entry, before committing.
    const crashed = kafka.producer({ transactionalId: `tributary-dlq-redrive-${topic}`, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await crashed.connect();
    const tx = await crashed.transaction();
    await tx.send({ topic: projectorRetry, messages: [{ key: 'o-4', value: 'half-done', partition: 0 }] });
    await tx.send({ topic: `${dlq}.redriven`, messages: [{ key: '0:3', value: '{}' }] });
    await crashed.disconnect();

    const next = await tributary('dlq', 'redrive', topic);
    expect(next.out).toContain(`sent back 1 record(s) to the retry topics of order-projector 1: EVENT_NOT_APPLICABLE 1`);
    expect(next.out).toContain('skipped 3 already redriven: DECODE_FAILED 2, UNKNOWN_SCHEMA_ID 1');
    const all = await readTopics([projectorRetry, inventoryRetry], 4);
    expect(all.map((m) => m.key?.toString()).sort()).toEqual(['o-1', 'o-2', 'o-3', 'o-4']);
    expect(all.every((m) => m.value?.toString() !== 'half-done')).toBe(true);
  });

  it('says so when nothing was ever parked, and refuses an unknown topic', async () => {
    const quiet = uniqueName('dlq-quiet');
    await ensureTopics(kafka, [eventTopic(quiet, 1, 1)]);
    const none = await tributary('dlq', 'list', quiet);
    expect(none.code).toBe(0);
    expect(none.out).toEqual([]);
    expect(none.err.join('\n')).toContain(`nothing is parked for ${quiet}: ${quiet}.dlq does not exist`);

    const unknown = await tributary('dlq', 'list', uniqueName('no-such-topic'));
    expect(unknown.code).toBe(1);
    expect(unknown.err.join('\n')).toMatch(/error \[NOT_FOUND\]: Topic .* does not exist/);

    // A group whose service never started has no retry topic: nothing is sent, nothing marked redriven.
    const quietDlq = deadLetterTopic(quiet);
    await ensureTopics(kafka, [eventTopic(quietDlq, 1, 1)]);
    const producer = kafka.producer();
    await producer.connect();
    const original = { key: Buffer.from('o-9'), value: Buffer.from('x'), headers: {}, offset: '3', timestamp: '0', attributes: 0 } satisfies KafkaMessage;
    const at = new Date().toISOString();
    await producer.send({ topic: quietDlq, messages: [deadLetterMessage(original, { originalTopic: quiet, originalPartition: 0, originalOffset: '3', consumerGroup: 'never-started', errorCode: 'INTERNAL', errorMessage: 'bug', attempts: 1, firstFailureAt: at, deadLetteredAt: at })] });
    await producer.disconnect();
    const noRetryTopic = await tributary('dlq', 'redrive', quiet);
    expect(noRetryTopic.code).toBe(1);
    expect(noRetryTopic.err.join('\n')).toContain(`error [NOT_FOUND]: Nothing was sent: ${retryTopic(quiet, 'never-started')} does not exist`);
    expect((await tributary('dlq', 'list', quiet, '--json')).out.map((line) => (JSON.parse(line) as { redriven: unknown }).redriven)).toEqual([null]);

    const badFilter = await tributary('dlq', 'redrive', topic, '--filter', 'colour=red');
    expect(badFilter.code).toBe(2);
    expect(badFilter.err.join('\n')).toContain('fields code, key, partition, offset, group');
  });
});
