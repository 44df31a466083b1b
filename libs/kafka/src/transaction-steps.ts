import type { Producer, Transaction } from 'kafkajs';
import type { Prepared } from './prepare.ts';

export interface ConsumedPosition {
  topic: string;
  partition: number;
  /** Offset of the last record handled; the group resumes after it. */
  offset: string;
}

export type Consumed = { groupId: string; positions: readonly ConsumedPosition[] };
export type PreparedOutput = { topic: string; messages: Prepared[] };

export type TransactionStep = 'begin' | 'send' | 'offsets' | 'commit';
/** Records a step's time since `startedAt` and returns now, where the next step starts. */
export type ObserveStep = (step: TransactionStep, startedAt: bigint) => bigint;

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
export const replaceableProducer = (make: () => Producer) => {
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

export type ProducerHolder = ReturnType<typeof replaceableProducer>;

/** Aborts a transaction that failed part-way; a producer that cannot abort is replaced before the next one. */
export const abandon = async (holder: ProducerHolder, transaction: Transaction | undefined, cause: unknown): Promise<void> => {
  if (transaction?.isActive()) await transaction.abort().catch(() => holder.markStuck());
  if (/Transaction state exception/i.test((cause as Error).message ?? '')) holder.markStuck();
};

/** Begins a transaction and adds the consumed positions to it; aborted on failure. */
export const openWithOffsets = async (holder: ProducerHolder, consumed: Consumed, observe: ObserveStep): Promise<Transaction> => {
  let transaction: Transaction | undefined;
  try {
    let at = process.hrtime.bigint();
    transaction = await (await holder.usable()).transaction();
    at = observe('begin', at);
    const topics = offsetsByTopic(consumed.positions);
    // Output that answers no consumed record (a timer's) commits no offsets.
    if (topics.length > 0) await transaction.sendOffsets({ consumerGroupId: consumed.groupId, topics });
    observe('offsets', at);
    return transaction;
  } catch (cause) {
    await abandon(holder, transaction, cause);
    throw cause;
  }
};

/** Sends the events into an open transaction and commits it; aborted on failure. */
export const sendAndCommit = async (holder: ProducerHolder, transaction: Transaction, prepared: readonly PreparedOutput[], observe: ObserveStep): Promise<void> => {
  try {
    let at = process.hrtime.bigint();
    for (const { topic, messages } of prepared) await transaction.send({ topic, acks: -1, messages: messages.map((m) => m.message) });
    at = observe('send', at);
    await transaction.commit();
    observe('commit', at);
  } catch (cause) {
    await abandon(holder, transaction, cause);
    throw cause;
  }
};

/** One transaction: the offsets, then the events, then the commit; aborted on any failure. */
export const transact = async (holder: ProducerHolder, prepared: readonly PreparedOutput[], consumed: Consumed, observe: ObserveStep): Promise<void> =>
  sendAndCommit(holder, await openWithOffsets(holder, consumed, observe), prepared, observe);
