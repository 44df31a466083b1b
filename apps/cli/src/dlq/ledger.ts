import { deadLetterTopic } from '@tributary/kafka';
import type { KafkaMessage, Message } from 'kafkajs';
import { parkedId, type ParkedRecord } from './parked.ts';

/**
 * The redrive ledger: a compacted topic `<topic>.dlq.redriven` with one record per parked record
 * ever sent back, keyed `<dlqPartition>:<dlqOffset>`. Each entry is written in the same Kafka
 * transaction as the record it sends back, so either both are visible or neither is: a parked
 * record is redriven at most once, across runs, filters and crashes. Compaction keeps the newest
 * entry per key forever; a tombstone (null value) for a key makes that record redrivable again.
 */
export const redriveLedgerTopic = (topic: string): string => `${deadLetterTopic(topic)}.redriven`;

export interface SentTo {
  topic: string;
  partition: number;
  offset: string;
}

export interface LedgerEntry {
  /** `<dlq topic>:<partition>:<offset>`, as in the redriven record's `redriven-from` header. */
  from: string;
  to: SentTo | undefined;
  redrivenAt: string;
}

export const ledgerMessage = (parked: ParkedRecord, dlqTopic: string, to: SentTo, redrivenAt: Date): Message => ({
  key: parkedId(parked),
  value: JSON.stringify({ from: `${dlqTopic}:${parked.dlqPartition}:${parked.dlqOffset}`, to, redrivenAt: redrivenAt.toISOString() } satisfies LedgerEntry),
});

const parseEntry = (value: Buffer): LedgerEntry => {
  try {
    const parsed = JSON.parse(value.toString('utf8')) as Partial<LedgerEntry>;
    return { from: String(parsed.from ?? ''), to: parsed.to, redrivenAt: String(parsed.redrivenAt ?? '') };
  } catch {
    // The key alone says the record went back; an unreadable value must not make it redrivable.
    return { from: '', to: undefined, redrivenAt: '' };
  }
};

/** The ledger as it stands after these records, read in offset order: newest entry per key wins. */
export const foldLedger = (messages: readonly Pick<KafkaMessage, 'key' | 'value'>[]): Map<string, LedgerEntry> => {
  const ledger = new Map<string, LedgerEntry>();
  for (const { key, value } of messages) {
    if (!key) continue;
    if (value === null) ledger.delete(key.toString());
    else ledger.set(key.toString(), parseEntry(value));
  }
  return ledger;
};
