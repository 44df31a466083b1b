import { matchesFilter, type RedriveFilter } from './filter.ts';
import type { LedgerEntry } from './ledger.ts';
import { parkedId, type ParkedRecord } from './parked.ts';

export interface RedrivePlan {
  /** Matching records not redriven before, in their original topic's order. */
  send: ParkedRecord[];
  alreadyRedriven: ParkedRecord[];
  /** Matching records whose headers do not say where they came from. */
  noProvenance: ParkedRecord[];
  /** Matching records whose headers do not name the consumer group that parked them: no retry topic to send them to. */
  noGroup: ParkedRecord[];
  notMatching: number;
}

const byOriginalPosition = (a: ParkedRecord, b: ParkedRecord): number => {
  const pa = a.provenance;
  const pb = b.provenance;
  if (!pa || !pb) return 0;
  return pa.originalTopic.localeCompare(pb.originalTopic) || pa.originalPartition - pb.originalPartition || Number(BigInt(pa.originalOffset) - BigInt(pb.originalOffset));
};

/**
 * Which parked records to send back, each to the retry topic of the group that parked it. Sent in
 * their original order, so two parked events of one key arrive back in the order they were first
 * produced in.
 */
export const planRedrive = (parked: readonly ParkedRecord[], ledger: ReadonlyMap<string, LedgerEntry>, filter: RedriveFilter): RedrivePlan => {
  const plan: RedrivePlan = { send: [], alreadyRedriven: [], noProvenance: [], noGroup: [], notMatching: 0 };
  for (const record of parked) {
    if (!matchesFilter(filter, record)) plan.notMatching += 1;
    else if (ledger.has(parkedId(record))) plan.alreadyRedriven.push(record);
    else if (!record.provenance) plan.noProvenance.push(record);
    else if (!record.provenance.consumerGroup) plan.noGroup.push(record);
    else plan.send.push(record);
  }
  plan.send.sort(byOriginalPosition);
  return plan;
};

/** `DECODE_FAILED 3, UNKNOWN_SCHEMA_ID 1`: records counted by a label, most frequent first. */
const countBy = (records: readonly ParkedRecord[], label: (record: ParkedRecord) => string): string => {
  const counts = new Map<string, number>();
  for (const record of records) counts.set(label(record), (counts.get(label(record)) ?? 0) + 1);
  return [...counts]
    .sort(([labelA, a], [labelB, b]) => b - a || labelA.localeCompare(labelB))
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
};

export const countByCode = (records: readonly ParkedRecord[]): string => countBy(records, (record) => record.provenance?.errorCode || '(no code)');

/** `order-projector 2, inventory-service 1`: the groups that parked the records. */
export const countByGroup = (records: readonly ParkedRecord[]): string => countBy(records, (record) => record.provenance?.consumerGroup || '(no group)');
