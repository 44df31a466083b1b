import { partitionKey, type Offsets } from './offsets.ts';

/** What the buffer needs of an event: where it came from. */
export interface Positioned {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface WriteBehindOptions<E extends Positioned> {
  /** The document an event folds into; undefined for an event that changes no document. */
  readonly documentOf: (event: E) => string | undefined;
  /** Writes the events of whole documents, each document's in the order they came. */
  readonly fold: (events: E[]) => Promise<void>;
  /** Held events above this make an add write the documents touched longest ago... */
  readonly maxHeldEvents: number;
  /** ...until this many are held. */
  readonly lowWaterEvents: number;
}

export interface WriteBehind<E extends Positioned> {
  /** Holds a partition's batch; `next` is the partition's next offset once the batch is passed. Resolves once the buffer has room. */
  add(topic: string, partition: number, events: readonly E[], next: bigint): Promise<void>;
  /** Writes every document held. */
  flush(): Promise<void>;
  /** Per partition, the offset below which every event is written: what the group may commit. */
  written(): Offsets;
  held(): number;
}

/** Per partition: the next offset once passed, and the offsets held, in arrival (so offset) order from `head` on. */
interface PartitionState {
  next: bigint;
  held: bigint[];
  head: number;
  /** Held offsets already written, counted: a batch delivered again holds its offsets twice. */
  writtenHeld: Map<bigint, number>;
}

/**
 * Holds folded-to-be events by document and writes a document only once it has gone quiet. An
 * order's events sit on three topics that a replay reads at different speeds, so they arrive in
 * different fetches; writing each fetch at once writes most documents twice or more, and on the
 * local store a replace costs about ten inserts. Held until newer documents push it out, a
 * document gathers its events first and is written once. Nothing held is committed: a partition's
 * written offset stops at its oldest held event, so an interrupted replay reads it again.
 */
export const createWriteBehind = <E extends Positioned>({ documentOf, fold, maxHeldEvents, lowWaterEvents }: WriteBehindOptions<E>): WriteBehind<E> => {
  // Map keeps insertion order: a document re-inserted on every event is ordered by its last one.
  const documents = new Map<string, E[]>();
  const partitions = new Map<string, PartitionState>();
  let heldEvents = 0;
  // One write at a time: concurrent batches that find the buffer full wait for the same write.
  let writing: Promise<void> = Promise.resolve();

  const stateOf = (key: string): PartitionState => {
    let state = partitions.get(key);
    if (!state) {
      state = { next: 0n, held: [], head: 0, writtenHeld: new Map() };
      partitions.set(key, state);
    }
    return state;
  };

  /** Moves a partition's head past the offsets written; the first still held bounds what may be committed. */
  const dropWritten = (state: PartitionState): void => {
    for (let first = state.held[state.head]; first !== undefined && (state.writtenHeld.get(first) ?? 0) > 0; first = state.held[state.head]) {
      state.head += 1;
      const left = (state.writtenHeld.get(first) ?? 1) - 1;
      if (left > 0) state.writtenHeld.set(first, left);
      else state.writtenHeld.delete(first);
    }
    if (state.head > 1_024 && state.head * 2 > state.held.length) {
      state.held = state.held.slice(state.head);
      state.head = 0;
    }
  };

  /** Writes the documents touched longest ago until `keep` events are left held. */
  const writeOldest = async (keep: number): Promise<void> => {
    // Each with the count of its events this write takes: more may arrive while it is in flight.
    const chosen: { id: string; events: E[]; count: number }[] = [];
    let left = heldEvents;
    for (const [id, events] of documents) {
      if (left <= keep) break;
      chosen.push({ id, events, count: events.length });
      left -= events.length;
    }
    if (chosen.length === 0) return;
    await fold(chosen.flatMap(({ events, count }) => events.slice(0, count)));
    // Released only once written: a failed write leaves them held for the next try.
    for (const { id, events, count } of chosen) {
      for (const event of events.slice(0, count)) {
        const { writtenHeld } = stateOf(partitionKey(event.topic, event.partition));
        const offset = BigInt(event.offset);
        writtenHeld.set(offset, (writtenHeld.get(offset) ?? 0) + 1);
      }
      heldEvents -= count;
      if (events.length === count) documents.delete(id);
      else events.splice(0, count);
    }
    for (const state of partitions.values()) dropWritten(state);
  };

  const write = (keep: number): Promise<void> => {
    const next = writing.catch(() => undefined).then(() => writeOldest(keep));
    writing = next;
    return next;
  };

  return {
    async add(topic, partition, events, next) {
      const state = stateOf(partitionKey(topic, partition));
      for (const event of events) {
        const id = documentOf(event);
        if (id === undefined) continue;
        const held = documents.get(id) ?? [];
        held.push(event);
        // Re-inserted, so the document moves to the newest end.
        documents.delete(id);
        documents.set(id, held);
        heldEvents += 1;
        state.held.push(BigInt(event.offset));
      }
      if (next > state.next) state.next = next;
      if (heldEvents > maxHeldEvents) await write(lowWaterEvents);
    },
    flush: () => write(0),
    written() {
      return new Map([...partitions].map(([key, state]) => [key, state.held[state.head] ?? state.next]));
    },
    held: () => heldEvents,
  };
};
