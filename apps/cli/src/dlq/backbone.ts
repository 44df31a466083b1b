import { TributaryError, isTributaryError } from '@tributary/errors';
import { deadLetterTopic, ensureTopics, keyPartitioner, redriveMessage } from '@tributary/kafka';
import type { Kafka, Message, PartitionMetadata, Producer, Transaction } from 'kafkajs';
import { readToEnd } from '../events/read-to-end.ts';
import { foldLedger, ledgerMessage, redriveLedgerTopic, type LedgerEntry, type SentTo } from './ledger.ts';
import { retryTargetOf, toParked, type ParkedRecord } from './parked.ts';

export interface DlqTopics {
  topic: string;
  dlq: string;
  ledger: string;
  topicExists: boolean;
  dlqExists: boolean;
  ledgerExists: boolean;
  /** Replicas of the DLQ's partitions: the ledger gets as many. */
  replicationFactor: number;
}

export const inspectTopics = async (kafka: Kafka, topic: string): Promise<DlqTopics> => {
  const dlq = deadLetterTopic(topic);
  const ledger = redriveLedgerTopic(topic);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    let replicationFactor = 1;
    if (existing.has(dlq)) {
      const { topics } = await admin.fetchTopicMetadata({ topics: [dlq] });
      replicationFactor = Math.max(1, topics[0]?.partitions[0]?.replicas.length ?? 1);
    }
    return { topic, dlq, ledger, topicExists: existing.has(topic), dlqExists: existing.has(dlq), ledgerExists: existing.has(ledger), replicationFactor };
  } catch (cause) {
    throw new TributaryError('KAFKA_UNAVAILABLE', `Cannot list the topics of the broker: ${(cause as Error).message}`, { cause });
  } finally {
    await admin.disconnect();
  }
};

/**
 * The retry topics the records go to that do not exist. A consuming service creates its group's
 * retry topics when it starts; until one exists, no member of that group would read what is sent.
 */
export const missingRetryTopics = async (kafka: Kafka, records: readonly ParkedRecord[]): Promise<string[]> => {
  const targets = [...new Set(records.flatMap((record) => (record.provenance ? [retryTargetOf(record.provenance)] : [])))];
  if (targets.length === 0) return [];
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    return targets.filter((topic) => !existing.has(topic));
  } catch (cause) {
    throw new TributaryError('KAFKA_UNAVAILABLE', `Cannot list the topics of the broker: ${(cause as Error).message}`, { cause });
  } finally {
    await admin.disconnect();
  }
};

/** Every record parked now, and the ledger of those already sent back. */
export const readParked = async (kafka: Kafka, topics: DlqTopics): Promise<{ parked: ParkedRecord[]; ledger: Map<string, LedgerEntry> }> => {
  const records = await readToEnd(kafka, topics.ledgerExists ? [topics.dlq, topics.ledger] : [topics.dlq]);
  return {
    parked: records.filter((r) => r.topic === topics.dlq).map((r) => toParked(r.partition, r.message)),
    ledger: foldLedger(records.filter((r) => r.topic === topics.ledger).map((r) => r.message)),
  };
};

export const ensureLedger = async (kafka: Kafka, topics: DlqTopics): Promise<void> => {
  // Compacted, never deleted by time: an entry that expired would make its record redrivable again.
  await ensureTopics(kafka, [{ name: topics.ledger, partitions: 1, replicationFactor: topics.replicationFactor, config: { 'cleanup.policy': 'compact', 'retention.ms': '-1' } }]);
};

/** One transactional id per topic: a second redrive of the same topic fences the first. */
export const redriveTransactionalId = (topic: string): string => `tributary-dlq-redrive-${topic}`;

/** Parked records sent back per transaction: a failure rolls back at most this many. */
const chunkSize = 100;
const choosePartition = keyPartitioner();

export interface Redriver {
  /** Sends the records back, each with its ledger entry in the same transaction; calls onSent per committed chunk. */
  redrive(records: readonly ParkedRecord[], onSent: (sent: { record: ParkedRecord; to: SentTo }[]) => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the transactional producer and starts its first transaction before anything is read.
 * Starting it registers the transactional id with the coordinator, which fences any earlier run of
 * this redrive and aborts what it left open: after this, the ledger read next is final.
 */
export const openRedriver = async (kafka: Kafka, topics: DlqTopics): Promise<Redriver> => {
  const producer: Producer = kafka.producer({
    transactionalId: redriveTransactionalId(topics.topic),
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: keyPartitioner,
    // An open transaction holds back read-committed consumers of the topic until it ends.
    transactionTimeout: 30_000,
  });
  await producer.connect();
  let transaction: Transaction | undefined;
  try {
    transaction = await producer.transaction();
  } catch (cause) {
    await producer.disconnect().catch(() => undefined);
    throw new TributaryError('KAFKA_UNAVAILABLE', `Cannot start a Kafka transaction for ${topics.dlq} (transaction coordinator unavailable?): ${(cause as Error).message}`, { cause });
  }
  const admin = kafka.admin();
  await admin.connect();
  const partitionsOf = new Map<string, PartitionMetadata[]>();
  const partitionMetadata = async (topic: string): Promise<PartitionMetadata[]> => {
    let partitions = partitionsOf.get(topic);
    if (!partitions) {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: [topic] }).catch((cause: unknown) => {
        throw new TributaryError('NOT_FOUND', `Cannot send parked records back to ${topic}: ${(cause as Error).message}. Does the topic exist?`, { cause });
      });
      partitions = found[0]?.partitions ?? [];
      partitionsOf.set(topic, partitions);
    }
    return partitions;
  };

  /**
   * To the retry topic of the group that parked the record. It has its source's partitions, so a
   * keyed record goes to the partition number every producer of the source sends that key to; an
   * unkeyed one to its old partition.
   */
  const prepare = async (record: ParkedRecord): Promise<{ record: ParkedRecord; topic: string; message: Message & { partition: number } }> => {
    const provenance = record.provenance;
    if (!provenance) throw new TributaryError('INTERNAL', `parked record ${record.dlqPartition}:${record.dlqOffset} has no provenance`);
    const topic = retryTargetOf(provenance);
    const message = redriveMessage(record.message, topics.dlq, record.dlqPartition);
    const partitionMetadataList = await partitionMetadata(topic);
    const partition = message.key ? choosePartition({ topic, partitionMetadata: partitionMetadataList, message }) : provenance.originalPartition;
    return { record, topic, message: { ...message, partition } };
  };

  const sendChunk = async (tx: Transaction, chunk: readonly ParkedRecord[]): Promise<{ record: ParkedRecord; to: SentTo }[]> => {
    const prepared = await Promise.all(chunk.map(prepare));
    const sent: { record: ParkedRecord; to: SentTo }[] = [];
    for (const topic of new Set(prepared.map((p) => p.topic))) {
      const ofTopic = prepared.filter((p) => p.topic === topic);
      const metadata = await tx.send({ topic, acks: -1, messages: ofTopic.map((p) => p.message) });
      // One base offset per partition; a partition's records follow it in send order.
      const next = new Map(metadata.map((m) => [m.partition, BigInt(m.baseOffset ?? '-1')]));
      for (const { record, message } of ofTopic) {
        const offset = next.get(message.partition) ?? -1n;
        next.set(message.partition, offset + 1n);
        sent.push({ record, to: { topic, partition: message.partition, offset: offset.toString() } });
      }
    }
    const at = new Date();
    await tx.send({ topic: topics.ledger, acks: -1, messages: sent.map(({ record, to }) => ledgerMessage(record, topics.dlq, to, at)) });
    await tx.commit();
    return sent;
  };

  return {
    async redrive(records, onSent) {
      let done = 0;
      for (let start = 0; start < records.length; start += chunkSize) {
        const chunk = records.slice(start, start + chunkSize);
        const tx = transaction ?? (await producer.transaction());
        transaction = undefined;
        try {
          onSent(await sendChunk(tx, chunk));
          done += chunk.length;
        } catch (cause) {
          await tx.abort().catch(() => undefined);
          if (isTributaryError(cause)) throw cause;
          throw new TributaryError(
            'KAFKA_UNAVAILABLE',
            `Redrive stopped after ${done} of ${records.length} record(s): ${(cause as Error).message}. The failed chunk of ${chunk.length} was rolled back; run the same command again to send the rest (records already sent back are skipped).`,
            { cause },
          );
        }
      }
    },
    async close() {
      // The first transaction may have been opened for nothing: ending it sends nothing to the broker.
      await transaction?.abort().catch(() => undefined);
      await Promise.all([producer.disconnect(), admin.disconnect()]);
    },
  };
};
