import { createKafkaClient, ensureTopics, eventTopic } from '@tributary/kafka';
import { Partitioners, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, testKafka, testLogger, uniqueName, runTributary } from './support.ts';

const topic = uniqueName('lag-orders');
const groupId = uniqueName('lag-projector');
const throwaway = `tributary-tail-${uniqueName('lag')}`;
const kafka = testKafka();
let consumer: Consumer | undefined;

const tributary = runTributary;

/** Ten records in each of three partitions; the group takes the first six of each and stops there. */
beforeAll(async () => {
  await ensureTopics(kafka, [eventTopic(topic, 3, 1)]);
  // Idempotent: a send retried on a slow broker must not write the records twice.
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic, messages: [0, 1, 2].flatMap((partition) => Array.from({ length: 10 }, (_, i) => ({ partition, key: `k-${i}`, value: `v-${i}` }))) });
  await producer.disconnect();

  const committed = new Set<number>();
  consumer = createKafkaClient({ brokers: inject('backbone').kafkaBrokers, clientId: 'lag-test-projector', logger: testLogger('lag-test') }).consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async (payload) => {
      const { partition, message } = payload;
      if (BigInt(message.offset) >= 6n) {
        payload.pause();
        committed.add(partition);
        return;
      }
      await consumer?.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    },
  });
  await eventually(() => Promise.resolve(committed.size === 3 ? true : undefined), { timeoutMs: 30_000 });

  // What a tail or dlq run leaves behind if it dies before deleting its group.
  const admin = kafka.admin();
  await admin.connect();
  await admin.setOffsets({ groupId: throwaway, topic, partitions: [{ partition: 0, offset: '1' }] });
  await admin.disconnect();
});

afterAll(async () => {
  await consumer?.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([groupId, throwaway]).catch(() => undefined);
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

interface GroupJson {
  groupId: string;
  state: string;
  members: { clientId: string; assignment: Record<string, number[]> }[];
  partitions: { topic: string; partition: number; committed: string | null; end: string; lag: number; owner: string | null }[];
  totalLag: number;
}

describe('tributary lag', () => {
  it('shows a group that consumed part of a topic: its member, and lag per partition', async () => {
    const json = await tributary('lag', '--group', groupId, '--json');
    expect(json.code).toBe(0);
    const [group, ...others] = JSON.parse(json.out.join('\n')) as GroupJson[];
    expect(others).toEqual([]);
    expect(group?.state).toBe('Stable');
    expect(group?.members).toEqual([expect.objectContaining({ clientId: 'lag-test-projector', assignment: { [topic]: [0, 1, 2] } })]);
    expect(group?.partitions).toEqual([0, 1, 2].map((partition) => ({ topic, partition, committed: '6', end: '10', lag: 4, owner: '#1' })));
    expect(group?.totalLag).toBe(12);

    const text = await tributary('lag', '--group', groupId);
    const lines = text.out.join('\n').split('\n');
    expect(lines[0]).toBe(`group ${groupId}  state Stable  members 1  total lag 12`);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  #1\\s+lag-test-projector\\s+\\S+\\s+${topic}\\[0,1,2\\]\\s+lag-test-projector-`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  ${topic}\\s+1\\s+6\\s+10\\s+4\\s+#1$`)));
  });

  it('leaves out the throwaway groups of tail and dlq unless asked', async () => {
    const every = await tributary('lag');
    expect(every.out.join('\n')).toContain(`group ${groupId} `);
    expect(every.out.join('\n')).not.toContain(throwaway);
    const all = await tributary('lag', '--all');
    expect(all.out.join('\n')).toContain(`group ${throwaway}  state Empty  members 0  total lag 29`);
  });

  it('names the groups there are when asked for one that does not exist', async () => {
    // A mistyped name: its group is named first, however many groups the broker holds.
    const missing = await tributary('lag', '--group', `${groupId}x`);
    expect(missing.code).toBe(1);
    expect(missing.err.join('\n')).toMatch(new RegExp(`error \\[NOT_FOUND\\]: No consumer group ${groupId}x on the broker; groups: ${groupId}[,.]`));
  });
});
