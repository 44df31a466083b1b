import { TributaryError } from '@tributary/errors';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { throwawayGroupId } from './throwaway-group.ts';

export interface ReadRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

export interface ReadToEndOptions {
  /** Give up when no partition has moved on for this long. */
  idleTimeoutMs?: number;
}

/** Where each partition ends now: reading stops there, so records produced meanwhile are left for the next run. */
const endOffsets = async (kafka: Kafka, topics: readonly string[]): Promise<Map<string, bigint>> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const targets = new Map<string, bigint>();
    for (const topic of topics) {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(high) > BigInt(low)) targets.set(`${topic}:${partition}`, BigInt(high));
      }
    }
    return targets;
  } finally {
    await admin.disconnect();
  }
};

/**
 * Reads every committed record of the topics, from the earliest offset up to the end offsets they
 * have when the call starts, then stops. Joins a throwaway consumer group, deleted afterwards.
 *
 * The end offset is the last stable offset (kafkajs reads committed), and transaction markers and
 * aborted records take offsets without ever reaching eachBatch. So progress is taken from the
 * consumer's batch events, whose lastOffset covers those too, not from the messages seen.
 */
export const readToEnd = async (kafka: Kafka, topics: readonly string[], { idleTimeoutMs = 30_000 }: ReadToEndOptions = {}): Promise<ReadRecord[]> => {
  const targets = await endOffsets(kafka, topics);
  if (targets.size === 0) return [];

  const records: ReadRecord[] = [];
  const groupId = throwawayGroupId();
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  let lastProgress = Date.now();
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const key = `${payload.topic}:${payload.partition}`;
    const target = targets.get(key);
    lastProgress = Date.now();
    if (target !== undefined && BigInt(payload.lastOffset) + 1n >= target) targets.delete(key);
    if (targets.size === 0) finish();
  });
  let crashed: Error | undefined;
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    // kafkajs restarts the consumer itself after a retriable crash (a coordinator still loading on
    // a fresh broker, say): only a crash it gives up on ends the read.
    if (payload.restart) return;
    crashed = payload.error;
    finish();
  });

  const idle = setInterval(() => {
    if (Date.now() - lastProgress > idleTimeoutMs) finish();
  }, 250);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const key = `${batch.topic}:${batch.partition}`;
        const target = targets.get(key);
        for (const message of batch.messages) {
          // Past the end taken at the start: a later run will see it.
          if (target === undefined || BigInt(message.offset) >= target) continue;
          records.push({ topic: batch.topic, partition: batch.partition, message });
        }
        return Promise.resolve();
      },
    });
    await done;
    if (crashed) throw new TributaryError('KAFKA_UNAVAILABLE', `Reading ${topics.join(', ')} failed: ${crashed.message}`, { cause: crashed });
    if (targets.size > 0) {
      throw new TributaryError('TIMEOUT', `Reading ${topics.join(', ')} made no progress for ${idleTimeoutMs / 1000} s; ${targets.size} partition(s) did not reach their end. Is the broker healthy? Try again.`, {
        details: { unfinished: [...targets.keys()] },
      });
    }
  } finally {
    clearInterval(idle);
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    // The throwaway group would otherwise linger in the broker's group list.
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
  return records.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || Number(BigInt(a.message.offset) - BigInt(b.message.offset)));
};
