import { matchesFilter, type RedriveFilter } from './filter.ts';
import type { LedgerEntry } from './ledger.ts';
import { parkedId, type ParkedRecord } from './parked.ts';

export interface RedrivePlan {
  /** Matching records not redriven before, in their original topic's order. */
  send: ParkedRecord[];
  alreadyRedriven: ParkedRecord[];
  /** Matching records whose headers do not say where they came from. */
  noProvenance: ParkedRecord[];
  notMatching: number;
}

const byOriginalPosition = (a: ParkedRecord, b: ParkedRecord): number => {
  const pa = a.provenance;
  const pb = b.provenance;
  if (!pa || !pb) return 0;
  return pa.originalTopic.localeCompare(pb.originalTopic) || pa.originalPartition - pb.originalPartition || Number(BigInt(pa.originalOffset) - BigInt(pb.originalOffset));
};

/**
 * Which parked records to send back. Sent in their original order, so two parked events of one
 * key arrive back in the order they were first produced in.
 */
export const planRedrive = (parked: readonly ParkedRecord[], ledger: ReadonlyMap<string, LedgerEntry>, filter: RedriveFilter): RedrivePlan => {
  const plan: RedrivePlan = { send: [], alreadyRedriven: [], noProvenance: [], notMatching: 0 };
  for (const record of parked) {
    if (!matchesFilter(filter, record)) plan.notMatching += 1;
    else if (ledger.has(parkedId(record))) plan.alreadyRedriven.push(record);
    else if (!record.provenance) plan.noProvenance.push(record);
    else plan.send.push(record);
  }
  plan.send.sort(byOriginalPosition);
  return plan;
};

/** `DECODE_FAILED 3, UNKNOWN_SCHEMA_ID 1`, most frequent first. */
export const countByCode = (records: readonly ParkedRecord[]): string => {
  const counts = new Map<string, number>();
  for (const record of records) {
    const code = record.provenance?.errorCode || '(no code)';
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return [...counts]
    .sort(([codeA, a], [codeB, b]) => b - a || codeA.localeCompare(codeB))
    .map(([code, count]) => `${code} ${count}`)
    .join(', ');
};
