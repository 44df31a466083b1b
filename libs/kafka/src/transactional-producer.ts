import type { AvroCodec } from '@tributary/avro';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka, Producer, Transaction } from 'kafkajs';
import { claimInstanceSlot, defaultInstanceId, transactionalIdOf } from './instance.ts';
import { asKafkaUnavailable, createPreparer, type OutgoingEvent, type Prepared } from './prepare.ts';

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

export const createTransactionalEventProducer = ({
  kafka,
  codec,
  producerName,
  instanceId = defaultInstanceId(),
  transactionalId,
  transactionTimeoutMs = 15_000,
}: {
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
}): TransactionalEventProducer => {
  const slot = transactionalId === undefined ? claimInstanceSlot(`${producerName}-${instanceId}`) : undefined;
  const id = transactionalId ?? transactionalIdOf(producerName, instanceId, slot?.slot ?? 0);
  const { admin, prepare } = createPreparer(kafka, codec, producerName);
  let connected = false;
  const newProducer = (): Producer => {
    const created = kafka.producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, transactionTimeout: transactionTimeoutMs });
    created.on(created.events.CONNECT, () => {
      connected = true;
    });
    created.on(created.events.DISCONNECT, () => {
      if (created === producer) connected = false;
    });
    return created;
  };
  let producer = newProducer();
  // An abort that fails (the broker went away mid-transaction) leaves a kafkajs producer in the
  // ABORTING state for good: every later transaction is refused with "Cannot call beginTransaction".
  // Such a producer is replaced; the new one's InitProducerId with the same transactional id fences
  // the old one and has the coordinator abort whatever it left open.
  let stuck = false;
  const replaceProducer = async (): Promise<void> => {
    const stale = producer;
    producer = newProducer();
    await stale.disconnect().catch(() => undefined);
    await producer.connect();
    stuck = false;
  };
  // A producer runs one transaction at a time; partitions handled concurrently take turns here.
  let turn: Promise<unknown> = Promise.resolve();

  const attempt = async (prepared: { topic: string; messages: Prepared[] }[], consumed: { groupId: string; positions: readonly ConsumedPosition[] }): Promise<void> => {
    let transaction: Transaction | undefined;
    try {
      transaction = await producer.transaction();
      for (const { topic, messages } of prepared) await transaction.send({ topic, acks: -1, messages: messages.map((m) => m.message) });
      const byTopic = new Map<string, { partition: number; offset: string }[]>();
      for (const { topic, partition, offset } of consumed.positions) {
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset: (BigInt(offset) + 1n).toString() }]);
      }
      // Output that answers no consumed record (a timer's) commits no offsets.
      if (byTopic.size > 0) await transaction.sendOffsets({ consumerGroupId: consumed.groupId, topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) });
      await transaction.commit();
    } catch (cause) {
      if (transaction?.isActive()) {
        await transaction.abort().catch(() => {
          stuck = true;
        });
      }
      if (/Transaction state exception/i.test((cause as Error).message ?? '')) stuck = true;
      throw cause;
    }
  };

  const run = async (outputs: readonly TransactionalOutput[], consumed: { groupId: string; positions: readonly ConsumedPosition[] }): Promise<void> => {
    const prepared = await Promise.all(outputs.filter((o) => o.events.length > 0).map(async (o) => ({ topic: o.topic, messages: await prepare(o.topic, o.events) })));
    for (let tries = 1; ; tries += 1) {
      try {
        if (stuck) await replaceProducer();
        await attempt(prepared, consumed);
        return;
      } catch (cause) {
        // The coordinator is still writing the previous transaction's markers: a moment later it accepts the next.
        if (isConcurrentTransaction(cause) && tries < concurrentTransactionTries) {
          await sleep(20 * tries);
          continue;
        }
        throw asKafkaUnavailable(prepared[0]?.topic ?? outputs[0]?.topic ?? 'its topics', cause);
      }
    }
  };

  return {
    get connected() {
      return connected;
    },
    async connect() {
      await Promise.all([producer.connect(), admin.connect()]);
    },
    get transactionalId() {
      return id;
    },
    async disconnect() {
      try {
        await Promise.all([producer.disconnect(), admin.disconnect()]);
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
