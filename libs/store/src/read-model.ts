import { TributaryError } from '@tributary/errors';
import { MongoBulkWriteError, MongoServerError, type AnyBulkWriteOperation, type Collection, type Db, type WriteError } from 'mongodb';
import type { AliasResolver } from './aliases.ts';
import { createKeyedLock } from './keyed-lock.ts';
import type { Position } from './positions.ts';
import { foldDocument, groupByDocument, type Projection, type Tracked } from './projection.ts';

/** Stored shape: the view's fields at the top level (so they can be queried), plus bookkeeping. */
type StoredDocument = {
  _id: string;
  _version: number;
  _positions: Position[];
  _tombstone?: boolean;
} & Record<string, unknown>;

export const bookkeepingFields = ['_version', '_positions', '_tombstone'] as const;

export interface ApplyStats {
  readonly documents: number;
  readonly applied: number;
  readonly duplicates: number;
}

export interface ReadModel<V> {
  /** The collection of the logical name; with an alias resolver, current() is the one serving. */
  readonly collection: Collection<StoredDocument>;
  /** The collection serving the read model now (the alias's target, or the logical name). */
  current(): Promise<Collection<StoredDocument>>;
  /** Folds a batch per document in memory and writes each changed document once. */
  apply<E extends Position>(events: readonly E[], projection: Projection<V, E>): Promise<ApplyStats>;
  findById(id: string): Promise<V | null>;
}

const maxAttempts = 5;

const toTracked = <V>(id: string, stored: StoredDocument | undefined): Tracked<V> => {
  if (!stored) return { id, view: null, positions: [], version: 0 };
  const { _id, _version, _positions, _tombstone, ...view } = stored;
  return { id, view: _tombstone ? null : (view as V), positions: _positions, version: _version };
};

const toStored = <V>(tracked: Tracked<V>): StoredDocument => ({
  // A deleted view stays as a tombstone so its positions still guard against redelivery.
  ...(tracked.view === null ? { _tombstone: true } : (tracked.view as Record<string, unknown>)),
  _id: tracked.id,
  _version: tracked.version,
  _positions: [...tracked.positions],
});

/**
 * Compare-and-set writes: a new document is inserted (a concurrent creator makes it fail on the
 * unique _id), an existing one is replaced only at the version it was read at.
 */
const writeFor = <V>(previousVersion: number, next: Tracked<V>): AnyBulkWriteOperation<StoredDocument> =>
  previousVersion === 0 ? { insertOne: { document: toStored(next) } } : { replaceOne: { filter: { _id: next.id, _version: previousVersion }, replacement: toStored(next) } };

const storeError = (cause: unknown, action: string) =>
  new TributaryError('STORE_UNAVAILABLE', `Store failed to ${action}: ${(cause as Error).message}`, { cause });

export interface ReadModelOptions {
  /**
   * Documents this instance wrote last, kept in memory (least recently used dropped first). A batch
   * folds cached and unseen documents without reading the store: unseen ones are inserted, cached
   * ones replaced at their cached version, and a conflict (someone else wrote, or the document
   * existed after all) falls back to reading the store. Compare-and-set keeps this correct.
   */
  cacheSize?: number;
  /** Maps the logical name to the collection serving it; without one the name is the collection. */
  resolveName?: AliasResolver;
}

/** A small least-recently-used map: Map keeps insertion order, so re-inserting marks use. */
const lruCache = <V>(capacity: number) => {
  const entries = new Map<string, Tracked<V>>();
  return {
    get(id: string): Tracked<V> | undefined {
      const found = entries.get(id);
      if (found) {
        entries.delete(id);
        entries.set(id, found);
      }
      return found;
    },
    set(tracked: Tracked<V>): void {
      if (capacity <= 0) return;
      entries.delete(tracked.id);
      entries.set(tracked.id, tracked);
      if (entries.size > capacity) entries.delete(entries.keys().next().value as string);
    },
    delete: (id: string) => entries.delete(id),
  };
};

export const openReadModel = <V>(db: Db, name: string, { cacheSize = 10_000, resolveName }: ReadModelOptions = {}): ReadModel<V> => {
  const named = db.collection<StoredDocument>(name);
  let collection = named;
  let cache = lruCache<V>(cacheSize);
  const current = async (): Promise<Collection<StoredDocument>> => {
    const target = resolveName ? await resolveName(name) : name;
    if (target !== collection.collectionName) {
      // Another copy now serves: what this instance wrote to the previous one says nothing about it.
      collection = db.collection<StoredDocument>(target);
      cache = lruCache<V>(cacheSize);
    }
    return collection;
  };
  // Batches of different partitions may touch one document at once (an order's events arrive on
  // three topics). Compare-and-set settles that on MongoDB; FerretDB 1.x does not apply a
  // conditional replace atomically, so writers in this process also take turns per document.
  const withDocuments = createKeyedLock();

  const findAll = (target: Collection<StoredDocument>, ids: string[]): Promise<StoredDocument[]> => target.find({ _id: { $in: ids } }).toArray();

  const readStored = async (target: Collection<StoredDocument>, ids: string[]): Promise<Map<string, Tracked<V>>> => {
    const stored = await findAll(target, ids).catch((cause: unknown) => {
      throw storeError(cause, `read ${name}`);
    });
    const byId = new Map(stored.map((doc) => [doc._id, toTracked<V>(doc._id, doc)]));
    return new Map(ids.map((id) => [id, byId.get(id) ?? toTracked<V>(id, undefined)]));
  };

  return {
    collection: named,
    current,
    apply(events, projection) {
      const pending = groupByDocument(events, projection);
      return withDocuments(pending.keys(), async () => {
        const target = await current();
        const known = cache;
        let applied = 0;
        let duplicates = 0;
        // Documents still to write: all of them at first, then those whose write lost.
        let unsettled = [...pending.keys()];
        for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
          // First try: what this instance last wrote, and "new" for the rest. Later tries: the store.
          const stored = attempt === 1 ? new Map(unsettled.map((id) => [id, known.get(id) ?? toTracked<V>(id, undefined)])) : await readStored(target, unsettled);
          const writes: AnyBulkWriteOperation<StoredDocument>[] = [];
          const written: { tracked: Tracked<V>; applied: number; duplicates: number }[] = [];
          for (const id of unsettled) {
            const base = stored.get(id) ?? toTracked<V>(id, undefined);
            const result = foldDocument(base, pending.get(id) ?? [], projection);
            if (result.applied === 0) {
              duplicates += result.duplicates;
              continue;
            }
            writes.push(writeFor(base.version, result.next));
            written.push({ tracked: result.next, applied: result.applied, duplicates: result.duplicates });
          }
          const lost = writes.length === 0 ? new Set<number>() : await writeAll(target, writes, name);
          for (const [index, { tracked, applied: count, duplicates: repeated }] of written.entries()) {
            if (lost.has(index)) continue;
            known.set(tracked);
            applied += count;
            duplicates += repeated;
          }
          if (lost.size === 0) return { documents: pending.size, applied, duplicates };
          // A compare-and-set lost (another writer, or a document this instance had not seen). Folding
          // those again from what is stored now is safe: positions make events applied by anyone a no-op.
          unsettled = written.filter((_, index) => lost.has(index)).map(({ tracked }) => tracked.id);
          for (const id of unsettled) known.delete(id);
        }
        throw new TributaryError('STORE_UNAVAILABLE', `Concurrent writers kept conflicting on ${name} after ${maxAttempts} attempts`);
      });
    },
    async findById(id) {
      // By _id alone, the one filter every store serves from its index; a tombstone reads as absent.
      const stored = await (await current()).findOne({ _id: id }).catch((cause: unknown) => {
        throw storeError(cause, `read ${name}`);
      });
      return stored ? (toTracked<V>(id, stored).view) : null;
    },
  };
};

/**
 * The writes (by index) that lost: inserts that met an existing document, and replaces that matched
 * nothing. The store does not say which replaces matched, so when one missed, every replace counts
 * as lost; re-folding a written one is a no-op.
 */
const writeAll = async (collection: Collection<StoredDocument>, writes: AnyBulkWriteOperation<StoredDocument>[], name: string): Promise<Set<number>> => {
  const replaces = writes.flatMap((write, index) => ('replaceOne' in write ? [index] : []));
  const lostOf = (duplicateKeys: readonly number[], matched: number) => new Set([...duplicateKeys, ...(matched < replaces.length ? replaces : [])]);
  try {
    const result = await collection.bulkWrite(writes, { ordered: false });
    return lostOf([], result.matchedCount);
  } catch (cause) {
    // E11000: an insert met a document created meanwhile; the retry sees it.
    if (cause instanceof MongoBulkWriteError && isOnlyDuplicateKeys(cause)) return lostOf(writeErrorsOf(cause).map((e) => e.index), cause.result.matchedCount);
    if (cause instanceof MongoServerError && cause.code === 11000) return new Set(writes.keys());
    throw storeError(cause, `write ${name}`);
  }
};

const isList = (errors: WriteError | readonly WriteError[]): errors is readonly WriteError[] => Array.isArray(errors);

const writeErrorsOf = (error: MongoBulkWriteError): readonly WriteError[] => (isList(error.writeErrors) ? error.writeErrors : [error.writeErrors]);

const isOnlyDuplicateKeys = (error: MongoBulkWriteError): boolean => {
  const errors = writeErrorsOf(error);
  return errors.length > 0 && errors.every((e) => e.code === 11000);
};
