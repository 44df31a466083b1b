import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { deadLetterHeaders, deadLetterMessage, deadLetterTopic, ensureTopics, envelopeHeaders, createEnvelope, eventTopic, readHeaders, redrivenFromHeader } from '@tributary/kafka';
import { Partitioners, type KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, testKafka, uniqueName, runTributary } from './support.ts';

const topic = uniqueName('dlq-orders');
const dlq = deadLetterTopic(topic);
const kafka = testKafka();

const tributary = runTributary;

/** What the consumer runtime parks: the original record, plus provenance headers. */
const parked = [
  { key: 'o-1', partition: 0, offset: '10', code: 'DECODE_FAILED' },
  { key: 'o-2', partition: 1, offset: '11', code: 'DECODE_FAILED' },
  { key: 'o-3', partition: 2, offset: '12', code: 'UNKNOWN_SCHEMA_ID' },
  { key: 'o-4', partition: 0, offset: '13', code: 'EVENT_NOT_APPLICABLE' },
];

/** Every committed record of the topic, read until `expected` arrived and a second passed with nothing more. */
const readTopic = async (expected: number): Promise<KafkaMessage[]> => {
  const consumer = kafka.consumer({ groupId: uniqueName('dlq-reader') });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: ({ message }) => Promise.resolve(void seen.push(message)) });
  try {
    await eventually(() => Promise.resolve(seen.length >= expected ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return seen;
  } finally {
    await consumer.disconnect();
  }
};

beforeAll(async () => {
  await ensureTopics(kafka, [eventTopic(topic, 3, 1), eventTopic(dlq, 3, 1)]);
  const backbone = inject('backbone');
  const codec = createAvroCodec({ registryUrl: backbone.registryUrl, catalog: loadSchemaCatalog() });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const messages = await Promise.all(
    parked.map(async ({ key, partition, offset, code }, index) => {
      const value = await codec.encode(topic, 'OrderPlaced', { orderId: key, customerId: 'c-1', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 1, unitPrice: '1.50' }], placedAt: new Date() });
      const original = { key: Buffer.from(key), value, headers: envelopeHeaders(createEnvelope('OrderPlaced', 'test')), offset, timestamp: String(Date.now()), attributes: 0 } satisfies KafkaMessage;
      const at = new Date(Date.UTC(2026, 1, 1, 9, index)).toISOString();
      return { ...deadLetterMessage(original, { originalTopic: topic, originalPartition: partition, originalOffset: offset, consumerGroup: 'order-projector', errorCode: code, errorMessage: `${code} at ${offset}`, attempts: 3, firstFailureAt: at, deadLetteredAt: at }), partition: 0 };
    }),
  );
  await producer.send({ topic: dlq, messages });
  await producer.disconnect();
});

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic, dlq, `${dlq}.redriven`] }).catch(() => undefined);
  await admin.disconnect();
});

describe('tributary dlq', () => {
  it('lists every parked record with its provenance, none redriven yet', async () => {
    const listed = await tributary('dlq', 'list', topic);
    expect(listed.code, listed.err.join('\n')).toBe(0);
    expect(listed.out[0]?.split('\n')[0]).toMatch(/^DLQ\s+ORIGINAL\s+KEY\s+CODE\s+ATTEMPTS/);
    expect(listed.out[0]?.split('\n')).toHaveLength(5);
    expect(listed.out[0]).toContain(`0:0  ${topic}:0:10  o-1  DECODE_FAILED`);
    expect(listed.err.join('\n')).toContain(`4 parked record(s) in ${dlq}; 0 redriven, 4 not`);
  });

  it('sends back only the matching records, once, whatever later runs ask for', async () => {
    const dry = await tributary('dlq', 'redrive', topic, '--filter', 'code=DECODE_FAILED', '--dry-run');
    expect(dry.out).toContain(`would send back 2 record(s) to ${topic}: DECODE_FAILED 2`);

    const first = await tributary('dlq', 'redrive', topic, '--filter', 'code=DECODE_FAILED');
    expect(first.code).toBe(0);
    expect(first.out).toContain(`sent back 2 record(s) to ${topic}: DECODE_FAILED 2`);
    const arrived = await readTopic(2);
    expect(arrived.map((m) => m.key?.toString()).sort()).toEqual(['o-1', 'o-2']);
    for (const message of arrived) {
      const headers = readHeaders(message.headers);
      expect(headers[redrivenFromHeader]).toMatch(new RegExp(`^${dlq}:0:[01]$`));
      expect(headers['event-type']).toBe('OrderPlaced');
      expect(Object.keys(headers).filter((name) => (Object.values(deadLetterHeaders) as string[]).includes(name))).toEqual([]);
    }

    const again = await tributary('dlq', 'redrive', topic, '--filter', 'code=DECODE_FAILED');
    expect(again.out).toContain(`sent back 0 record(s) to ${topic}`);
    expect(again.out).toContain('skipped 2 already redriven: DECODE_FAILED 2');

    const overlapping = await tributary('dlq', 'redrive', topic, '--filter', 'key=o-1,key=o-3');
    expect(overlapping.out).toContain(`sent back 1 record(s) to ${topic}: UNKNOWN_SCHEMA_ID 1`);
    expect(overlapping.out).toContain('skipped 1 already redriven: DECODE_FAILED 1');
    expect((await readTopic(3)).map((m) => m.key?.toString()).sort()).toEqual(['o-1', 'o-2', 'o-3']);

    const listed = await tributary('dlq', 'list', topic, '--json');
    const rows = listed.out.map((line) => JSON.parse(line) as { key: string; redriven: { to: string } | null });
    expect(Object.fromEntries(rows.map((row) => [row.key, row.redriven !== null]))).toEqual({ 'o-1': true, 'o-2': true, 'o-3': true, 'o-4': false });
    expect(rows.find((row) => row.key === 'o-3')?.redriven?.to).toMatch(new RegExp(`^${topic}:\\d:\\d+$`));
  });

  it('rolls back a redrive that crashed mid-transaction and sends the record once on the next run', async () => {
    // A run that died after sending o-4 and its ledger entry, before committing.
    const crashed = kafka.producer({ transactionalId: `tributary-dlq-redrive-${topic}`, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await crashed.connect();
    const tx = await crashed.transaction();
    await tx.send({ topic, messages: [{ key: 'o-4', value: 'half-done', partition: 0 }] });
    await tx.send({ topic: `${dlq}.redriven`, messages: [{ key: '0:3', value: '{}' }] });
    await crashed.disconnect();

    const next = await tributary('dlq', 'redrive', topic);
    expect(next.out).toContain(`sent back 1 record(s) to ${topic}: EVENT_NOT_APPLICABLE 1`);
    expect(next.out).toContain('skipped 3 already redriven: DECODE_FAILED 2, UNKNOWN_SCHEMA_ID 1');
    const all = await readTopic(4);
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

    const badFilter = await tributary('dlq', 'redrive', topic, '--filter', 'colour=red');
    expect(badFilter.code).toBe(2);
    expect(badFilter.err.join('\n')).toContain('fields code, key, partition, offset, group');
  });
});
