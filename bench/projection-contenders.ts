import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AvroCodec } from '@tributary/avro';
import { createConsumerRunner, headerNames, type ConsumedEvent } from '@tributary/kafka';
import { recordSpans, type Tracing } from '@tributary/tracing';
import type { Logger } from '@tributary/logger';
import { evolveOrderView, isOrderViewEventType, orderViewProjection, orderViewsCollection, type OrderEvent, type OrderPlaced, type OrderView } from '@tributary/order-views';
import { openReadModel } from '@tributary/store';
import type { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import type { AnyBulkWriteOperation, Collection, Db, Document } from 'mongodb';

/** What every contender gets: the topic produced once, and where each of its partitions ends. */
export interface BenchTopic {
  kafka: Kafka;
  codec: AvroCodec;
  logger: Logger;
  topic: string;
  events: number;
  ends: Map<number, bigint>;
  /** Further topics the projector reads along with `topic` (the order view's inventory and payments streams); `events` counts theirs too. */
  companions?: readonly { readonly topic: string; readonly ends: Map<number, bigint> }[];
}

export interface RunResult {
  seconds: number;
  /** Events handled in those seconds: all of them, unless the run was time-boxed. */
  events: number;
  timeBoxed: boolean;
  /** Events per handleBatch call (projector) or per bulk write (ceiling). */
  batches: number[];
  maxInFlight: number;
  /** Milliseconds spent per phase, summed over the run (concurrent phases overlap). */
  phases: Record<string, number>;
}

export const freshName = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

/** The time the consumer joined its group: Kafka runs are timed from there, so joining is left out. */
const withJoinClock = (kafka: Kafka, onJoin: (at: number) => void): Kafka =>
  new Proxy(kafka, {
    get: (target, property, receiver): unknown =>
      property === 'consumer'
        ? (config: ConsumerConfig): Consumer => {
            const consumer = target.consumer(config);
            consumer.on(consumer.events.GROUP_JOIN, () => onJoin(performance.now()));
            return consumer;
          }
        : Reflect.get(target, property, receiver),
  });

const sourcesOf = (topic: BenchTopic) => [{ topic: topic.topic, ends: topic.ends }, ...(topic.companions ?? [])];

/** Polls until the group's committed offsets reach the end of every partition of every source. */
const committedToEnd = async (kafka: Kafka, topic: BenchTopic, groupId: string, deadline: number): Promise<void> => {
  const admin = kafka.admin();
  await admin.connect();
  const sources = sourcesOf(topic);
  try {
    for (;;) {
      const offsets = await admin.fetchOffsets({ groupId, topics: sources.map((source) => source.topic) });
      const committed = new Map(offsets.flatMap((t) => t.partitions.map((p) => [`${t.topic}:${p.partition}`, BigInt(p.offset)] as const)));
      if (sources.every(({ topic: name, ends }) => [...ends].every(([partition, end]) => (committed.get(`${name}:${partition}`) ?? -1n) >= end))) return;
      if (Date.now() > deadline) throw new Error(`group ${groupId} did not commit to the end of ${topic.topic} in time`);
      await sleep(5);
    }
  } finally {
    await admin.disconnect();
  }
};

/** Resolves when `count` reaches the event total; the run is then timed until the commits land. */
const counter = (total: number) => {
  let seen = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  return {
    all,
    get seen() {
      return seen;
    },
    add(n: number) {
      seen += n;
      if (seen >= total) done();
    },
  };
};

const withTimeout = async <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
};

/** The Db the read model sees, with its find and bulkWrite timed: where the projector's store time goes. */
const timedDb = (db: Db, phases: Record<string, number>): Db => {
  const add = (phase: string, started: number) => (phases[phase] = (phases[phase] ?? 0) + performance.now() - started);
  return new Proxy(db, {
    get: (target, property, receiver): unknown => {
      if (property !== 'collection') return Reflect.get(target, property, receiver);
      return (name: string) => {
        const collection = target.collection(name);
        return new Proxy(collection, {
          get: (inner, key, innerReceiver): unknown => {
            if (key === 'bulkWrite') {
              return async (...args: Parameters<Collection['bulkWrite']>) => {
                const started = performance.now();
                try {
                  return await inner.bulkWrite(...args);
                } finally {
                  add('store bulkWrite', started);
                }
              };
            }
            if (key === 'find') {
              return (...args: Parameters<Collection['find']>) => {
                const cursor = inner.find(...args);
                const toArray = cursor.toArray.bind(cursor);
                cursor.toArray = async () => {
                  const started = performance.now();
                  try {
                    return await toArray();
                  } finally {
                    add('store find', started);
                  }
                };
                return cursor;
              };
            }
            const value: unknown = Reflect.get(inner, key, innerReceiver);
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(inner) : value;
          },
        });
      };
    },
  });
};

/** As apps/order-projector maps what the runtime decoded into what the projection folds. */
const toOrderEvent = ({ topic, partition, offset, event }: ConsumedEvent<unknown>): OrderEvent | undefined =>
  isOrderViewEventType(event.eventType) ? ({ topic, partition, offset, eventType: event.eventType, payload: event.payload } as OrderEvent) : undefined;

/** The subject: our runtime and read model, as the order projector runs them. */
export const runProjector = async (topic: BenchTopic, db: Db, timeoutMs: number, tracer?: Tracing['tracer']): Promise<RunResult> => {
  const groupId = freshName('bench-projector');
  const phases: Record<string, number> = {};
  const readModel = openReadModel<OrderView>(timedDb(db, phases), orderViewsCollection);
  const batches: number[] = [];
  const seen = counter(topic.events);
  let joinedAt: number | undefined;
  let inFlight = 0;
  let maxInFlight = 0;
  const runner = createConsumerRunner<unknown>({
    kafka: withJoinClock(topic.kafka, (at) => (joinedAt ??= at)),
    codec: topic.codec,
    logger: topic.logger,
    groupId,
    topics: sourcesOf(topic).map((source) => source.topic),
    stallCheckIntervalMs: 0,
    ...(tracer ? { tracer } : {}),
    async handleBatch(events) {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const started = performance.now();
      const startedAt = Date.now();
      try {
        await readModel.apply(events.map(toOrderEvent).filter((event) => event !== undefined), orderViewProjection);
        // As the order projector does: one write span per record, a child of its process span.
        if (tracer) recordSpans(tracer, `write ${orderViewsCollection}`, events.map((event) => event.headers[headerNames.traceparent]), { start: startedAt, end: Date.now() });
      } finally {
        phases['handleBatch'] = (phases['handleBatch'] ?? 0) + performance.now() - started;
        inFlight -= 1;
      }
      batches.push(events.length);
      seen.add(events.length);
    },
  });
  try {
    await runner.start();
    await withTimeout(seen.all, timeoutMs, 'the projector run');
    await committedToEnd(topic.kafka, topic, groupId, Date.now() + 30_000);
    const seconds = (performance.now() - (joinedAt ?? Number.NaN)) / 1000;
    return { seconds, events: topic.events, timeBoxed: false, batches, maxInFlight, phases };
  } finally {
    await runner.stop();
    await deleteGroup(topic.kafka, groupId);
  }
};

const deleteGroup = async (kafka: Kafka, groupId: string): Promise<void> => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.disconnect();
};

/**
 * A plain kafkajs consumer on its defaults (commit after each batch), running `handle` per batch or
 * per message; timed from joining the group until its commits reach the end of the topic.
 */
const runPlainConsumer = async (
  topic: BenchTopic,
  budgetMs: number,
  handler: { eachBatch: (messages: { value: Buffer | null }[], partition: number) => Promise<void> } | { eachMessage: (value: Buffer | null, offset: string, partition: number) => Promise<void> },
): Promise<RunResult> => {
  const groupId = freshName('bench-plain');
  let joinedAt: number | undefined;
  const consumer = withJoinClock(topic.kafka, (at) => (joinedAt ??= at)).consumer({ groupId, allowAutoTopicCreation: false });
  const seen = counter(topic.events);
  const batches: number[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: topic.topic, fromBeginning: true });
    await consumer.run(
      'eachBatch' in handler
        ? {
            eachBatch: async ({ batch }) => {
              await handler.eachBatch(batch.messages, batch.partition);
              batches.push(batch.messages.length);
              seen.add(batch.messages.length);
            },
          }
        : {
            eachMessage: async ({ message, partition }) => {
              await handler.eachMessage(message.value, message.offset, partition);
              seen.add(1);
            },
          },
    );
    let timer: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<'out of time'>((resolve) => (timer = setTimeout(() => resolve('out of time'), budgetMs)));
    const finished = await Promise.race([seen.all.then(() => 'all' as const), outOfTime]);
    clearTimeout(timer);
    if (finished === 'out of time') {
      // Rate over what it handled so far: the collection was smaller than at the end, so this flatters it.
      return { seconds: (performance.now() - (joinedAt ?? Number.NaN)) / 1000, events: seen.seen, timeBoxed: true, batches, maxInFlight: 1, phases: {} };
    }
    await committedToEnd(topic.kafka, topic, groupId, Date.now() + 30_000);
    return { seconds: (performance.now() - (joinedAt ?? Number.NaN)) / 1000, events: topic.events, timeBoxed: false, batches, maxInFlight: 1, phases: {} };
  } finally {
    await consumer.disconnect();
    await deleteGroup(topic.kafka, groupId);
  }
};

/** (a) Only decodes: what Kafka and the codec cost without any store. */
export const runDecodeOnly = (topic: BenchTopic, timeoutMs: number): Promise<RunResult> =>
  runPlainConsumer(topic, timeoutMs, {
    eachBatch: async (messages) => {
      await Promise.all(messages.map((message) => topic.codec.decode(message.value)));
    },
  });

/** (c) What a typical handler does: one read and one upsert per message, awaited in turn. */
export const runNaive = async (topic: BenchTopic, db: Db, budgetMs: number): Promise<RunResult> => {
  const collection = db.collection<Document & { _id: string }>(orderViewsCollection);
  const phases: Record<string, number> = {};
  const result = await runPlainConsumer(topic, budgetMs, {
    eachMessage: async (value, offset, partition) => {
      const decoded = await topic.codec.decode<OrderPlaced>(value);
      const id = decoded.payload.orderId;
      let started = performance.now();
      const existing = (await collection.findOne({ _id: id })) as OrderView | null;
      phases['findOne'] = (phases['findOne'] ?? 0) + performance.now() - started;
      const view = evolveOrderView(existing, { topic: topic.topic, partition, offset, eventType: 'OrderPlaced', payload: decoded.payload });
      started = performance.now();
      await collection.replaceOne({ _id: id }, { ...view, _id: id }, { upsert: true });
      phases['replaceOne'] = (phases['replaceOne'] ?? 0) + performance.now() - started;
    },
  });
  return { ...result, phases };
};

export type StoredView = Document & { _id: string };

/**
 * (b) The store's own ceiling: the final documents, computed beforehand, written in batches of the
 * projector's size with as many batches in flight as the projector had; no Kafka, no reads.
 */
export const runCeiling = async (
  db: Db,
  documents: readonly StoredView[][],
  { batchSize, concurrency, write, budgetMs }: { batchSize: number; concurrency: number; write: 'upsert' | 'insert'; budgetMs: number },
): Promise<RunResult> => {
  const collection = db.collection<StoredView>(orderViewsCollection);
  // Batches never span partitions, as the runtime's batches do not.
  const batches = documents.flatMap((partition) => Array.from({ length: Math.ceil(partition.length / batchSize) }, (_, i) => partition.slice(i * batchSize, (i + 1) * batchSize)));
  const operation = (doc: StoredView): AnyBulkWriteOperation<StoredView> =>
    write === 'upsert' ? { replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } } : { insertOne: { document: doc } };
  let next = 0;
  let written = 0;
  const started = performance.now();
  const inTime = () => performance.now() - started < budgetMs;
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      for (let batch = batches[next++]; batch && inTime(); batch = batches[next++]) {
        await collection.bulkWrite(batch.map(operation), { ordered: false });
        written += batch.length;
      }
    }),
  );
  const events = batches.reduce((sum, b) => sum + b.length, 0);
  return { seconds: (performance.now() - started) / 1000, events: written, timeBoxed: written < events, batches: batches.map((b) => b.length), maxInFlight: concurrency, phases: {} };
};
