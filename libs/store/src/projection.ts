import { advance, isApplied, type Position } from './positions.ts';

/** A projection: which document an event belongs to, and a pure fold of events into it. */
export interface Projection<V, E extends Position> {
  /** The read-model document id for an event, or undefined when the event does not concern it. */
  documentId(event: E): string | undefined;
  evolve(view: V | null, event: E): V | null;
}

/** A read-model document as stored: the view, plus the bookkeeping that makes writes idempotent. */
export interface Tracked<V> {
  readonly id: string;
  readonly view: V | null;
  readonly positions: readonly Position[];
  /** 0 for a document not stored yet; the write is conditional on it (compare-and-set). */
  readonly version: number;
}

export interface FoldResult<V> {
  readonly next: Tracked<V>;
  readonly applied: number;
  readonly duplicates: number;
}

/** Folds one document's events in order, skipping those its positions say were applied already. */
export const foldDocument = <V, E extends Position>(current: Tracked<V>, events: readonly E[], projection: Projection<V, E>): FoldResult<V> => {
  let { view, positions } = current;
  let applied = 0;
  let duplicates = 0;
  for (const event of events) {
    if (isApplied(positions, event)) {
      duplicates += 1;
      continue;
    }
    view = projection.evolve(view, event);
    positions = advance(positions, event);
    applied += 1;
  }
  return { next: { id: current.id, view, positions, version: applied > 0 ? current.version + 1 : current.version }, applied, duplicates };
};

/** Groups a batch by document, keeping each document's events in their original order. */
export const groupByDocument = <V, E extends Position>(events: readonly E[], projection: Projection<V, E>): Map<string, E[]> => {
  const groups = new Map<string, E[]>();
  for (const event of events) {
    const id = projection.documentId(event);
    if (id === undefined) continue;
    const group = groups.get(id);
    if (group) group.push(event);
    else groups.set(id, [event]);
  }
  return groups;
};
