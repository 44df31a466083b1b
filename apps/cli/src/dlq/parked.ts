import { readProvenance, retryTopic, sourceTopicOf, type Provenance } from '@tributary/kafka';
import type { KafkaMessage } from 'kafkajs';

/** A record parked in `<topic>.dlq`: where it sits there, and where it came from and why. */
export interface ParkedRecord {
  dlqPartition: number;
  dlqOffset: string;
  key: string | null;
  /** Undefined when the headers do not say where the record came from: it cannot be redriven. */
  provenance: Provenance | undefined;
  message: KafkaMessage;
}

export const toParked = (dlqPartition: number, message: KafkaMessage): ParkedRecord => ({
  dlqPartition,
  dlqOffset: message.offset,
  key: message.key?.toString() ?? null,
  provenance: readProvenance(message.headers),
  message,
});

/** A parked record's identity: its position in the DLQ, which never changes. */
export const parkedId = (record: Pick<ParkedRecord, 'dlqPartition' | 'dlqOffset'>): string => `${record.dlqPartition}:${record.dlqOffset}`;

/**
 * Where a redrive sends a parked record: the retry topic of the group that parked it, of the topic
 * it first came from (a record parked while read from a retry topic names that topic as its own).
 */
export const retryTargetOf = ({ originalTopic, consumerGroup }: Pick<Provenance, 'originalTopic' | 'consumerGroup'>): string =>
  retryTopic(sourceTopicOf(originalTopic, consumerGroup), consumerGroup);
