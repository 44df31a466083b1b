import type { AvroCodec } from '@tributary/avro';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Kafka, Producer, Transaction } from 'kafkajs';
import { claimInstanceSlot, defaultInstanceId, transactionalIdOf } from './instance.ts';
import type { Tracer } from '@opentelemetry/api';
import { histogram, type MetricsRegistry } from '@tributary/metrics';
import { stageBuckets } from './consumer-metrics.ts';
import { asKafkaUnavailable, createPreparer, endPublishSpans, sendErrorCounter, type OutgoingEvent, type Prepared } from './prepare.ts';
import { keyPartitioner } from './partitioner.ts';
import { producerRetry } from './producer.ts';

export interface ConsumedPosition {
  topic: string;
  partition: number;
  /** Offset of the last record handled; the group resumes after it. */
  offset: string;
}

export interface TransactionalOutput {
  topic: string;
  events: readonly OutgoingEvent[];
}

export interface TransactionalEventProducer {
  connect(): Promise<void>;
  /**
   * Produces the events and commits the consumer group's positions in one Kafka transaction:
   * read-committed consumers see the events exactly when the consumed records count as handled,
   * so a crash in between leaves neither, and the redelivered records produce them once.
   */
  publishAndCommit(outputs: readonly TransactionalOutput[], consumed: { groupId: string; positions: readonly ConsumedPosition[] }): Promise<void>;
  disconnect(): Promise<void>;
  readonly connected: boolean;
  readonly transactionalId: string;
}

/** The positions to commit after some consumed records: the highest offset per partition. */
export const positionsOf = (records: readonly { topic: string; partition: number; offset: string }[]): ConsumedPosition[] => {
  const highest = new Map<string, ConsumedPosition>();
  for (const { topic, partition, offset } of records) {
    const key = `${topic}:${partition}`;
    const seen = highest.get(key);
    if (!seen || BigInt(offset) > BigInt(seen.offset)) highest.set(key, { topic, partition, offset });
  }
  return [...highest.values()];
};

const concurrentTransactionTries = 10;

const isConcurrentTransaction = (error: unknown): boolean =>
  (error as { type?: unknown }).type === 'CONCURRENT_TRANSACTIONS' || /another concurrent operation on the same transaction/.test((error as Error).message ?? '');

type Consumed = { groupId: string; positions: readonly ConsumedPosition[] };
type PreparedOutput = { topic: string; messages: Prepared[] };

export interface TransactionalProducerOptions {
  kafka: Kafka;
  codec: AvroCodec;
  producerName: string;
  /** Names this instance across restarts (INSTANCE_ID; the host name by default). */
  instanceId?: string;
  /**
   * Unique per live producer and stable across restarts, so a restarted instance fences its dead
   * predecessor and aborts the transaction it left open. By default made of the producer name, the
   * instance id and a slot distinct among the producers alive on this host (see instance.ts).
   */
  transactionalId?: string;
  /** An instance that dies mid-transaction holds back read-committed readers of its partitions at most this long. */
  transactionTimeoutMs?: number;
  /** Makes each event's publish span; none by default. */
  tracer?: Tracer;
  /** Counts failed transactions per output topic (producer_send_errors_total), and each transaction's begin, send, offsets and commit (producer_transaction_step_seconds). */
  metrics?: MetricsRegistry;
}

type TransactionStep = 'begin' | 'send' | 'offsets' | 'commit';
type ObserveStep = (step: TransactionStep, startedAt: bigint) => bigint;

/** The group's positions to commit in the transaction, per topic: just past each handled record. */
const offsetsByTopic = (positions: readonly ConsumedPosition[]): { topic: string; partitions: { partition: number; offset: string }[] }[] => {
  const byTopic = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, offset } of positions) {
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset: (BigInt(offset) + 1n).toString() }]);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
};

/**
 * A transactional kafkajs producer that can be replaced. An abort that fails (the broker went away
 * mid-transaction) leaves a kafkajs producer in the ABORTING state for good: every later
 * transaction is refused with "Cannot call beginTransaction". Such a producer is marked stuck and
 * replaced before the next transaction; the new one's InitProducerId with the same transactional id
 * fences the old one and has the coordinator abort whatever it left open.
 */
const replaceableProducer = (make: () => Producer) => {
  let current = make();
  let stuck = false;
  return {
    get current() {
      return current;
    },
    markStuck(): void {
      stuck = true;
    },
    async usable(): Promise<Producer> {
      if (!stuck) return current;
      const stale = current;
      current = make();
      await stale.disconnect().catch(() => undefined);
      await current.connect();
      stuck = false;
      return current;
    },
  };
};

/** A partition's records in one produce request each (see producer.ts: kafkajs can drop a partition of a multi-partition request whose leader moved). */
const byPartition = (messages: readonly Prepared[]): Prepared[][] => {
  const parts = new Map<number, Prepared[]>();
  for (const prepared of messages) parts.set(prepared.message.partition, [...(parts.get(prepared.message.partition) ?? []), prepared]);
  return [...parts.values()];
};

/**
 * Whether a transaction whose commit gave no answer (its coordinator went away mid-request)
 * committed after all. A producer with the same transactional id is made first: its
 * InitProducerId waits until the coordinator finished the old transaction, or aborts it. The
 * transaction carried the group's offsets, so the group's committed offsets then tell which it was.
 */
const committedAnyway = async (holder: ReturnType<typeof replaceableProducer>, admin: Admin, consumed: Consumed): Promise<boolean> => {
  if (consumed.positions.length === 0) return false;
  holder.markStuck();
  await holder.usable();
  const expected = offsetsByTopic(consumed.positions);
  const committed = await admin.fetchOffsets({ groupId: consumed.groupId, topics: expected.map(({ topic }) => topic) });
  const offsetOf = (topic: string, partition: number): bigint =>
    BigInt(committed.find((entry) => entry.topic === topic)?.partitions.find((entry) => entry.partition === partition)?.offset ?? '-1');
  return expected.every(({ topic, partitions }) => partitions.every(({ partition, offset }) => offsetOf(topic, partition) >= BigInt(offset)));
};

/** One transaction: the events, then the offsets, then the commit; aborted on any failure before the commit. */
const transact = async (holder: ReturnType<typeof replaceableProducer>, admin: Admin, prepared: readonly PreparedOutput[], consumed: Consumed, observe: ObserveStep): Promise<void> => {
  let transaction: Transaction | undefined;
  let committing = false;
  try {
    let at = process.hrtime.bigint();
    transaction = await (await holder.usable()).transaction();
    at = observe('begin', at);
    for (const { topic, messages } of prepared) {
      for (const part of byPartition(messages)) await transaction.send({ topic, acks: -1, messages: part.map((m) => m.message) });
    }
    at = observe('send', at);
    const topics = offsetsByTopic(consumed.positions);
    // Output that answers no consumed record (a timer's) commits no offsets.
    if (topics.length > 0) await transaction.sendOffsets({ consumerGroupId: consumed.groupId, topics });
    at = observe('offsets', at);
    committing = true;
    await transaction.commit();
    observe('commit', at);
  } catch (cause) {
    // Retrying a commit that did go through would emit every event of it a second time.
    if (committing && (await committedAnyway(holder, admin, consumed).catch(() => false))) return;
    if (transaction?.isActive()) await transaction.abort().catch(() => holder.markStuck());
    if (committing || /Transaction state exception/i.test((cause as Error).message ?? '')) holder.markStuck();
    throw cause;
  }
};

export const createTransactionalEventProducer = ({ kafka, codec, producerName, instanceId = defaultInstanceId(), transactionalId, transactionTimeoutMs = 15_000, tracer, metrics }: TransactionalProducerOptions): TransactionalEventProducer => {
  const slot = transactionalId === undefined ? claimInstanceSlot(`${producerName}-${instanceId}`) : undefined;
  const id = transactionalId ?? transactionalIdOf(producerName, instanceId, slot?.slot ?? 0);
  const { admin, prepare } = createPreparer(kafka, codec, producerName, tracer);
  const sendErrors = sendErrorCounter(metrics);
  let connected = false;
  const holder = replaceableProducer(() => {
    const created = kafka.producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, transactionTimeout: transactionTimeoutMs, createPartitioner: keyPartitioner, retry: producerRetry });
    created.on(created.events.CONNECT, () => {
      connected = true;
    });
    created.on(created.events.DISCONNECT, () => {
      if (created === holder.current) connected = false;
    });
    return created;
  });
  const steps = metrics && histogram(metrics, 'producer_transaction_step_seconds', 'Time of each step of a transaction: begin, send, offsets, commit', ['producer', 'step'], stageBuckets);
  const observe: ObserveStep = (step, startedAt) => {
    const now = process.hrtime.bigint();
    steps?.observe({ producer: producerName, step }, Number(now - startedAt) / 1e9);
    return now;
  };
  // A producer runs one transaction at a time; partitions handled concurrently take turns here.
  let turn: Promise<unknown> = Promise.resolve();

  const run = async (outputs: readonly TransactionalOutput[], consumed: Consumed): Promise<void> => {
    const prepared = await Promise.all(outputs.filter((o) => o.events.length > 0).map(async (o) => ({ topic: o.topic, messages: await prepare(o.topic, o.events) })));
    for (const { topic } of prepared) sendErrors.publishing(topic);
    for (let tries = 1; ; tries += 1) {
      try {
        await transact(holder, admin, prepared, consumed, observe);
        endPublishSpans(prepared.flatMap((output) => output.messages.map((one) => ({ prepared: one }))));
        return;
      } catch (cause) {
        // The coordinator is still writing the previous transaction's markers: a moment later it accepts the next.
        if (isConcurrentTransaction(cause) && tries < concurrentTransactionTries) {
          await sleep(20 * tries);
          continue;
        }
        sendErrors.failed(prepared.map(({ topic }) => topic));
        const error = asKafkaUnavailable(prepared[0]?.topic ?? outputs[0]?.topic ?? 'its topics', cause);
        endPublishSpans(prepared.flatMap((output) => output.messages.map((one) => ({ prepared: one }))), error);
        throw error;
      }
    }
  };

  return {
    get connected() {
      return connected;
    },
    async connect() {
      await Promise.all([holder.current.connect(), admin.connect()]);
    },
    get transactionalId() {
      return id;
    },
    async disconnect() {
      try {
        await Promise.all([holder.current.disconnect(), admin.disconnect()]);
      } finally {
        slot?.release();
      }
    },
    publishAndCommit(outputs, consumed) {
      const result = turn.then(() => run(outputs, consumed));
      turn = result.catch(() => undefined);
      return result;
    },
  };
};
