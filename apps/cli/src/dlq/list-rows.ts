import { formatTable } from '../table.ts';
import type { LedgerEntry } from './ledger.ts';
import { parkedId, type ParkedRecord } from './parked.ts';

/** One parked record as `dlq list` shows it. */
export interface ListRow {
  dlqPartition: number;
  dlqOffset: string;
  originalTopic: string | null;
  originalPartition: number | null;
  originalOffset: string | null;
  key: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number | null;
  /** The consumer group that parked the record: a redrive sends it to that group's retry topic. */
  consumerGroup: string | null;
  firstFailureAt: string | null;
  parkedAt: string | null;
  redriven: { at: string; to: string | null } | null;
}

export const toListRow = (record: ParkedRecord, ledger: ReadonlyMap<string, LedgerEntry>): ListRow => {
  const p = record.provenance;
  const entry = ledger.get(parkedId(record));
  return {
    dlqPartition: record.dlqPartition,
    dlqOffset: record.dlqOffset,
    originalTopic: p?.originalTopic ?? null,
    originalPartition: p?.originalPartition ?? null,
    originalOffset: p?.originalOffset ?? null,
    key: record.key,
    errorCode: p?.errorCode || null,
    errorMessage: p?.errorMessage || null,
    attempts: p ? p.attempts : null,
    consumerGroup: p?.consumerGroup || null,
    firstFailureAt: p?.firstFailureAt || null,
    parkedAt: p?.deadLetteredAt || null,
    redriven: entry ? { at: entry.redrivenAt, to: entry.to ? `${entry.to.topic}:${entry.to.partition}:${entry.to.offset}` : null } : null,
  };
};

const messageWidth = 80;

/** Error messages are cut to one short line: the full text is in --json. */
const oneLine = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > messageWidth ? `${flat.slice(0, messageWidth - 1)}…` : flat;
};

export const formatListTable = (rows: readonly ListRow[]): string[] =>
  formatTable(
    ['DLQ', 'ORIGINAL', 'GROUP', 'KEY', 'CODE', 'ATTEMPTS', 'FIRST FAILURE', 'PARKED AT', 'REDRIVEN', 'MESSAGE'],
    rows.map((row) => [
      `${row.dlqPartition}:${row.dlqOffset}`,
      row.originalTopic === null ? '(no provenance)' : `${row.originalTopic}:${row.originalPartition}:${row.originalOffset}`,
      row.consumerGroup ?? '-',
      row.key ?? '-',
      row.errorCode ?? '-',
      row.attempts === null ? '-' : String(row.attempts),
      row.firstFailureAt ?? '-',
      row.parkedAt ?? '-',
      row.redriven ? `yes ${row.redriven.to ? `-> ${row.redriven.to}` : ''}`.trimEnd() : 'no',
      row.errorMessage === null ? '-' : oneLine(row.errorMessage),
    ]),
  );
