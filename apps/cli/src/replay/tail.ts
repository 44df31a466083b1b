import type { AvroCodec } from '@tributary/avro';
import { classify, isTributaryError, TributaryError } from '@tributary/errors';
import { isOrderViewEventType, type OrderEvent } from '@tributary/order-views';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { partitionKey, reaches, splitKey, type Offsets } from './offsets.ts';
import { createPacer } from './pacer.ts';
import { createWriteBehind } from './write-behind.ts';

export interface TailOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly codec: AvroCodec;
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where the group starts on partitions it has not committed in (it resumes where it committed otherwise). */
  readonly start: Offsets;
  /** Folds events of several partitions, each partition's in order; returns how many changed a document. */
  fold(events: OrderEvent[]): Promise<number>;
  /** The document an event folds into; undefined when it changes none. */
  documentOf(event: OrderEvent): string | undefined;
}

export interface TailCounts {
  /** Records passed, control records of transactions included: what positions measure. */
  readonly records: number;
  readonly applied: number;
  /** Records that cannot be decoded (they wait in a dead-letter topic, or were never valid). */
  readonly undecodable: number;
}

export interface Tail {
  /** The next offset to read per partition. */
  position(): Offsets;
  counts(): TailCounts;
  /** Resolves once every partition of the target is passed; rejects when the consumer fails. */
  reach(target: Offsets, onTick?: () => void): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A replay reads a lot and writes in bulk: every partition's batch handled at once, and documents
 * written once they have gone quiet, so an order's events on the three streams are written together.
 * A partition may give up to 1 MiB per fetch, the largest record batch a topic takes by default
 * (max.message.bytes): a broker hands a partition a batch larger than the limit only when it comes
 * first in the fetch, so with a smaller limit the partitions a producer wrote in large batches
 * advance one per fetch.
 */
const fetchSizes = { maxBytesPerPartition: 1024 * 1024, maxBytes: 8 * 1024 * 1024, maxWaitTimeInMs: 250 };
const partitionsAtOnce = 64;
/**
 * Events held before the documents touched longest ago are written: a few fetches' worth, as far as
 * the three streams drift apart on a long topic. About 100 MB at most, however long the topic.
 */
const held = { maxHeldEvents: 100_000, lowWaterEvents: 50_000 };
/** How far (in record time) a partition may run ahead of the slowest before it waits. */
const leadMs = 250;

const toOrderEvent = async (codec: AvroCodec, topic: string, partition: number, message: KafkaMessage): Promise<OrderEvent | 'undecodable' | undefined> => {
  try {
    // The codec decoded the payload into the reader schema of its type: the shape Avro guarantees.
    const { eventType, payload } = await codec.decode(message.value);
    if (!isOrderViewEventType(eventType)) return undefined;
    return { topic, partition, offset: message.offset, eventType, payload } as unknown as OrderEvent;
  } catch (error) {
    // An unreachable registry says nothing about the record: the batch fails and is read again.
    if (classify(error) === 'retry') throw error;
    return 'undecodable';
  }
};

/**
 * Reads the projection's topics with a consumer group of its own and folds every batch. The group
 * commits what was folded, so an interrupted replay resumes where it stopped; folding twice is a
 * no-op thanks to the documents' positions. It never produces anything and never dead-letters.
 */
export const startTail = async (options: TailOptions): Promise<Tail> => {
  const { kafka, admin, codec, groupId, topics, start } = options;
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  const position: Offsets = new Map(start);
  const fresh: { topic: string; partition: number; offset: string }[] = [];
  for (const { topic, partition, offset } of committed.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, ...p })))) {
    const key = partitionKey(topic, partition);
    if (offset !== '-1') position.set(key, BigInt(offset));
    else if (start.has(key)) fresh.push({ topic, partition, offset: String(start.get(key)) });
  }

  let records = 0;
  let applied = 0;
  let undecodable = 0;
  let failure: Error | undefined;
  const buffer = createWriteBehind<OrderEvent>({
    ...held,
    documentOf: (event) => options.documentOf(event),
    fold: async (events) => {
      applied += await options.fold(events);
    },
  });
  // Commits follow the writes: a partition's committed offset never passes an event still held.
  const commitAt = new Map<string, bigint>();
  let committing: Promise<void> = Promise.resolve();
  const commitWritten = (): Promise<void> => {
    committing = committing.catch(() => undefined).then(async () => {
      const offsets = [...buffer.written()].filter(([key, offset]) => offset > (commitAt.get(key) ?? -1n));
      if (offsets.length === 0) return;
      await consumer.commitOffsets(offsets.map(([key, offset]) => ({ ...splitKey(key), offset: String(offset) })));
      for (const [key, offset] of offsets) commitAt.set(key, offset);
    });
    return committing;
  };
  /** Writes what is held, then commits it. */
  const writeAll = async (): Promise<void> => {
    await buffer.flush();
    await commitWritten();
  };
  const pacer = createPacer(leadMs);
  const consumer: Consumer = kafka.consumer({ groupId, ...fetchSizes, retry: { retries: 3 } });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const key = partitionKey(payload.topic, payload.partition);
    const next = BigInt(payload.lastOffset) + 1n;
    const before = position.get(key) ?? 0n;
    if (next > before) {
      records += Number(next - before);
      position.set(key, next);
    }
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) failure = payload.error;
  });
  // A new group starts at the first retained events; where the start is later, it seeks there once
  // assigned (admin.setOffsets would join the group with a consumer of its own: seconds per call).
  // Records below the start are never folded, whether or not the seek has happened yet.
  consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const { topic, partition, offset } of fresh.splice(0)) consumer.seek({ topic, partition, offset });
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: partitionsAtOnce,
    eachBatch: async (payload) => {
      const { batch } = payload;
      const floor = start.get(partitionKey(batch.topic, batch.partition)) ?? 0n;
      const messages = batch.messages.filter((message) => BigInt(message.offset) >= floor);
      const decoded = await Promise.all(messages.map((message) => toOrderEvent(codec, batch.topic, batch.partition, message)));
      const events: OrderEvent[] = [];
      for (const record of decoded) {
        if (record === 'undecodable') undecodable += 1;
        else if (record) events.push(record);
      }
      // A full buffer writes before it takes more; heartbeats go on meanwhile, so a slow store never
      // makes the group think the replay died and hand its partitions round again.
      const beating = setInterval(() => void payload.heartbeat().catch(() => undefined), 2_000);
      try {
        await buffer.add(batch.topic, batch.partition, events, BigInt(batch.lastOffset()) + 1n);
      } finally {
        clearInterval(beating);
      }
      const last = batch.messages.at(-1);
      if (last) pacer.observe(partitionKey(batch.topic, batch.partition), Number(last.timestamp), BigInt(batch.lastOffset()) + 1n >= BigInt(batch.highWatermark));
      const { pause, resume } = pacer.decide();
      if (pause.length > 0) consumer.pause(pause.map(toTopicPartitions));
      if (resume.length > 0) consumer.resume(resume.map(toTopicPartitions));
    },
  });

  // Started once the consumer runs: a start that fails must leave no timer holding the process open.
  const commits = setInterval(() => void commitWritten().catch(() => undefined), 1_000);

  return {
    position: () => new Map(position),
    counts: () => ({ records, applied, undecodable }),
    reach: async (target, onTick) => {
      for (;;) {
        if (failure) throw isTributaryError(failure) ? failure : new TributaryError('KAFKA_UNAVAILABLE', `Replay consumer failed: ${failure.message}`, { cause: failure });
        // Passed is not written: what is still held is written before the target counts as reached.
        if (reaches(position, target)) {
          await writeAll();
          const written = buffer.written();
          if (reaches(new Map([...position].map(([key, passed]) => [key, written.get(key) ?? passed])), target)) break;
        }
        onTick?.();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      onTick?.();
    },
    stop: async () => {
      clearInterval(commits);
      try {
        // What was read is written and committed, so a later run resumes after it; with the store
        // down it stays uncommitted and is read again.
        consumer.pause(topics.map((topic) => ({ topic })));
        await writeAll();
      } finally {
        await consumer.disconnect();
      }
    },
  };
};

const toTopicPartitions = (key: string) => {
  const { topic, partition } = splitKey(key);
  return { topic, partitions: [partition] };
};

/** The partitions of a target not reached yet, for messages. */
export const behind = (position: Offsets, target: Offsets): string[] =>
  [...target].filter(([key, end]) => (position.get(key) ?? 0n) < end).map(([key, end]) => `${splitKey(key).topic}[${splitKey(key).partition}] at ${position.get(key) ?? 0n} of ${end}`);
