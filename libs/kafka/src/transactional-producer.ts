import type { AvroCodec } from '@tributary/avro';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { claimInstanceSlot, defaultInstanceId, transactionalIdOf } from './instance.ts';
import type { Tracer } from '@opentelemetry/api';
import { histogram, type MetricsRegistry } from '@tributary/metrics';
import { stageBuckets } from './consumer-metrics.ts';
import { asKafkaUnavailable, createPreparer, endPublishSpans, type OutgoingEvent, type Prepared } from './prepare.ts';
import { abandon, openWithOffsets, replaceableProducer, sendAndCommit, transact, type Consumed, type ConsumedPosition, type ObserveStep, type PreparedOutput, type ProducerHolder } from './transaction-steps.ts';

export type { ConsumedPosition } from './transaction-steps.ts';

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
  /**
   * The same transaction for events still being worked out by `compute`. While this producer has
   * no other transaction in hand, the transaction begins at once and takes the positions while
   * `compute` runs, so the coordinators' round trips overlap the handler's own work; a failed
   * `compute` aborts it. Otherwise it computes first and waits its turn, so the handlers of
   * partitions handled at once never wait on each other.
   */
  publishAndCommitAfter(consumed: { groupId: string; positions: readonly ConsumedPosition[] }, compute: () => Promise<readonly TransactionalOutput[]>): Promise<void>;
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

type Prepare = (topic: string, events: readonly OutgoingEvent[]) => Promise<Prepared[]>;

const endSpans = (prepared: readonly PreparedOutput[], error?: Error) => endPublishSpans(prepared.flatMap((output) => output.messages.map((one) => ({ prepared: one }))), error);

/** The two ways a transaction runs: on outputs in hand, with retries; or begun before its outputs are known. */
const transactionRuns = (holder: ProducerHolder, prepare: Prepare, observe: ObserveStep) => {
  const prepareAll = (outputs: readonly TransactionalOutput[]): Promise<PreparedOutput[]> =>
    Promise.all(outputs.filter((o) => o.events.length > 0).map(async (o) => ({ topic: o.topic, messages: await prepare(o.topic, o.events) })));

  const run = async (outputs: readonly TransactionalOutput[], consumed: Consumed): Promise<void> => {
    const prepared = await prepareAll(outputs);
    for (let tries = 1; ; tries += 1) {
      try {
        await transact(holder, prepared, consumed, observe);
        return endSpans(prepared);
      } catch (cause) {
        // The coordinator is still writing the previous transaction's markers: a moment later it accepts the next.
        if (isConcurrentTransaction(cause) && tries < concurrentTransactionTries) {
          await sleep(20 * tries);
          continue;
        }
        const error = asKafkaUnavailable(prepared[0]?.topic ?? outputs[0]?.topic ?? 'its topics', cause);
        endSpans(prepared, error);
        throw error;
      }
    }
  };

  /** Begins and takes the positions while `compute` runs; a begin that failed (nothing sent) falls back to `run`. */
  const runOpenedEarly = async (consumed: Consumed, compute: () => Promise<readonly TransactionalOutput[]>): Promise<void> => {
    const opening = openWithOffsets(holder, consumed, observe).then(
      (transaction) => transaction,
      () => undefined,
    );
    let outputs: readonly TransactionalOutput[];
    try {
      outputs = await compute();
    } catch (error) {
      await abandon(holder, await opening, error);
      throw error;
    }
    const transaction = await opening;
    if (!transaction) return run(outputs, consumed);
    let prepared: PreparedOutput[] = [];
    try {
      prepared = await prepareAll(outputs);
      await sendAndCommit(holder, transaction, prepared, observe);
      return endSpans(prepared);
    } catch (cause) {
      await abandon(holder, transaction, cause);
      const error = asKafkaUnavailable(prepared[0]?.topic ?? outputs[0]?.topic ?? 'its topics', cause);
      endSpans(prepared, error);
      throw error;
    }
  };
  return { run, runOpenedEarly };
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

  const { run, runOpenedEarly } = transactionRuns(holder, (topic, events) => prepare(topic, events), observe);
  // Transactions queued or running: the early start is for an idle producer only.
  let inHand = 0;
  const taking = <T>(work: () => Promise<T>): Promise<T> => {
    inHand += 1;
    return work().finally(() => (inHand -= 1));
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
      const result = taking(() => turn.then(() => run(outputs, consumed)));
      turn = result.catch(() => undefined);
      return result;
    },
    async publishAndCommitAfter(consumed, compute) {
      if (inHand > 0) return this.publishAndCommit(await compute(), consumed);
      const result = taking(() => runOpenedEarly(consumed, compute));
      turn = result.catch(() => undefined);
      return result;
    },
  };
};
