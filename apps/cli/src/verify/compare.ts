import type { Collection, Db } from 'mongodb';
import { differingFields, documentHash, overallHash } from './hash.ts';

type Stored = { _id: string; _tombstone?: boolean; _positions?: { topic: string; partition: number; offset: string }[] } & Record<string, unknown>;

export interface CopySummary {
  readonly collection: string;
  readonly documents: number;
  readonly hash: string;
}

export interface Difference {
  readonly id: string;
  /** only-left, only-right, or the fields whose content differs. */
  readonly kind: 'missing-right' | 'missing-left' | 'content';
  readonly fields: readonly string[];
}

export interface Comparison {
  readonly left: CopySummary;
  readonly right: CopySummary;
  readonly identical: boolean;
  readonly differences: number;
  readonly first: readonly Difference[];
  /** Documents the left copy changed past the point the right one was built to: not compared. */
  readonly movedOn: number;
}

/** Id → content hash of the live documents (a tombstone is a deleted view: not content). */
const hashes = async (collection: Collection<Stored>, skip: (document: Stored) => boolean): Promise<{ hashes: Map<string, string>; skipped: Set<string> }> => {
  const found = new Map<string, string>();
  const skipped = new Set<string>();
  for await (const document of collection.find({})) {
    if (document._tombstone === true) continue;
    if (skip(document)) skipped.add(document._id);
    else found.set(document._id, documentHash(document));
  }
  return { hashes: found, skipped };
};

export interface CompareOptions {
  /** How many differences to describe. */
  readonly show?: number;
  /** Leaves out left documents this says moved on since the right copy was built. */
  readonly movedOn?: (positions: readonly { topic: string; partition: number; offset: string }[]) => boolean;
}

export const compareCopies = async (db: Db, leftName: string, rightName: string, { show = 10, movedOn }: CompareOptions = {}): Promise<Comparison> => {
  const leftCollection = db.collection<Stored>(leftName);
  const rightCollection = db.collection<Stored>(rightName);
  const left = await hashes(leftCollection, (document) => movedOn?.(document._positions ?? []) ?? false);
  const right = await hashes(rightCollection, (document) => left.skipped.has(document._id));
  const differing: { id: string; kind: Difference['kind'] }[] = [];
  for (const [id, hash] of left.hashes) {
    const other = right.hashes.get(id);
    if (other === undefined) differing.push({ id, kind: 'missing-right' });
    else if (other !== hash) differing.push({ id, kind: 'content' });
  }
  for (const id of right.hashes.keys()) if (!left.hashes.has(id)) differing.push({ id, kind: 'missing-left' });
  differing.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const first: Difference[] = [];
  for (const { id, kind } of differing.slice(0, show)) {
    if (kind !== 'content') first.push({ id, kind, fields: [] });
    else {
      const [a, b] = await Promise.all([leftCollection.findOne({ _id: id }), rightCollection.findOne({ _id: id })]);
      first.push({ id, kind, fields: a && b ? differingFields(a, b) : [] });
    }
  }
  const leftHash = overallHash(left.hashes);
  const rightHash = overallHash(right.hashes);
  return {
    left: { collection: leftName, documents: left.hashes.size, hash: leftHash },
    right: { collection: rightName, documents: right.hashes.size, hash: rightHash },
    identical: differing.length === 0 && leftHash === rightHash,
    differences: differing.length,
    first,
    movedOn: left.skipped.size,
  };
};

export const formatComparison = (comparison: Comparison, labels: { left: string; right: string }): string[] => {
  const { left, right } = comparison;
  const lines = [
    `${labels.left.padEnd(8)} ${left.collection}: ${left.documents} documents, content hash ${left.hash.slice(0, 16)}`,
    `${labels.right.padEnd(8)} ${right.collection}: ${right.documents} documents, content hash ${right.hash.slice(0, 16)}`,
  ];
  if (comparison.movedOn > 0) lines.push(`${comparison.movedOn} documents changed after the rebuild's end were not compared`);
  if (comparison.identical) return [...lines, 'identical content'];
  lines.push(`${comparison.differences} documents differ; the first ${comparison.first.length} by id:`);
  for (const difference of comparison.first) {
    const what =
      difference.kind === 'missing-right'
        ? `only in ${labels.left}`
        : difference.kind === 'missing-left'
          ? `only in ${labels.right}`
          : `fields differ: ${difference.fields.join(', ')}`;
    lines.push(`  ${difference.id}  ${what}`);
  }
  return lines;
};
