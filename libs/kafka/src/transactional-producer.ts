import type { AvroCodec } from '@tributary/avro';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka, Producer, Transaction } from 'kafkajs';
import { claimInstanceSlot, defaultInstanceId, transactionalIdOf } from './instance.ts';
import type { Tracer } from '@opentelemetry/api';
import { histogram, type MetricsRegistry } from '@tributary/metrics';
import { stageBuckets } from './consumer-metrics.ts';
import { asKafkaUnavailable, createPreparer, endPublishSpans, type OutgoingEvent, type Prepared } from './prepare.ts';

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
  /** Where producer_transaction_step_seconds goes: each transaction's begin, send, offsets and commit. */
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

/** One transaction: the events, then the offsets, then the commit; aborted on any failure. */
const transact = async (holder: ReturnType<typeof replaceableProducer>, prepared: readonly PreparedOutput[], consumed: Consumed, observe: ObserveStep): Promise<void> => {
  let transaction: Transaction | undefined;
  try {
    let at = process.hrtime.bigint();
    transaction = await (await holder.usable()).transaction();
    at = observe('begin', at);
    for (const { topic, messages } of prepared) await transaction.send({ topic, acks: -1, messages: messages.map((m) => m.message) });
    at = observe('send', at);
    const topics = offsetsByTopic(consumed.positions);
    // Output that answers no consumed record (a timer's) commits no offsets.
    if (topics.length > 0) await transaction.sendOffsets({ consumerGroupId: consumed.groupId, topics });
    at = observe('offsets', at);
    await transaction.commit();
    observe('commit', at);
  } catch (cause) {
    if (transaction?.isActive()) await transaction.abort().catch(() => holder.markStuck());
    if (/Transaction state exception/i.test((cause as Error).message ?? '')) holder.markStuck();
    throw cause;
  }
};

export const createTransactionalEventProducer = ({ kafka, codec, producerName, instanceId = defaultInstanceId(), transactionalId, transactionTimeoutMs = 15_000, tracer, metrics }: TransactionalProducerOptions): TransactionalEventProducer => {
  const slot = transactionalId === undefined ? claimInstanceSlot(`${producerName}-${instanceId}`) : undefined;
  const id = transactionalId ?? transactionalIdOf(producerName, instanceId, slot?.slot ?? 0);
  const { admin, prepare } = createPreparer(kafka, codec, producerName, tracer);
  let connected = false;
  const holder = replaceableProducer(() => {
    const created = kafka.producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, transactionTimeout: transactionTimeoutMs });
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
    for (let tries = 1; ; tries += 1) {
      try {
        await transact(holder, prepared, consumed, observe);
        endPublishSpans(prepared.flatMap((output) => output.messages.map((one) => ({ prepared: one }))));
        return;
      } catch (cause) {
        // The coordinator is still writing the previous transaction's markers: a moment later it accepts the next.
        if (isConcurrentTransaction(cause) && tries < concurrentTransactionTries) {
          await sleep(20 * tries);
          continue;
        }
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
