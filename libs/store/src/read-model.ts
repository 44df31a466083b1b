import { TributaryError } from '@tributary/errors';
import { MongoBulkWriteError, MongoServerError, type AnyBulkWriteOperation, type Collection, type Db, type WriteError } from 'mongodb';
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
  readonly collection: Collection<StoredDocument>;
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
 * unique _id), an existing one is replaced only at the version it was read at. Inserts also keep
 * stores without compound-filter pushdown (FerretDB 1.x) fast on the common create path.
 */
const writeFor = <V>(previousVersion: number, next: Tracked<V>): AnyBulkWriteOperation<StoredDocument> =>
  previousVersion === 0
    ? { insertOne: { document: toStored(next) } }
    : { replaceOne: { filter: { _id: next.id, _version: previousVersion }, replacement: toStored(next) } };

const storeError = (cause: unknown, action: string) =>
  new TributaryError('STORE_UNAVAILABLE', `Store failed to ${action}: ${(cause as Error).message}`, { cause });

export const openReadModel = <V>(db: Db, name: string): ReadModel<V> => {
  const collection = db.collection<StoredDocument>(name);
  return {
    collection,
    async apply(events, projection) {
      const pending = groupByDocument(events, projection);
      let applied = 0;
      let duplicates = 0;
      const documents = pending.size;
      for (let attempt = 1; attempt <= maxAttempts && pending.size > 0; attempt += 1) {
        const ids = [...pending.keys()];
        const stored = new Map((await collection.find({ _id: { $in: ids } }).toArray().catch((cause: unknown) => {
          throw storeError(cause, `read ${name}`);
        })).map((doc) => [doc._id, doc]));
        const writes: AnyBulkWriteOperation<StoredDocument>[] = [];
        for (const [id, group] of pending) {
          const current = toTracked<V>(id, stored.get(id));
          const result = foldDocument(current, group, projection);
          if (attempt === 1) duplicates += result.duplicates;
          if (result.applied === 0) continue;
          applied += result.applied;
          writes.push(writeFor(current.version, result.next));
        }
        if (writes.length === 0) break;
        if (await writeAll(collection, writes, name)) break;
        // Another writer got there first for some document. Folding again from what is stored now
        // is safe: positions make events already applied by anyone a no-op.
        applied = 0;
        if (attempt === maxAttempts) {
          throw new TributaryError('STORE_UNAVAILABLE', `Concurrent writers kept conflicting on ${name} after ${maxAttempts} attempts`);
        }
      }
      return { documents, applied, duplicates };
    },
    async findById(id) {
      const stored = await collection.findOne({ _id: id, _tombstone: { $ne: true } }).catch((cause: unknown) => {
        throw storeError(cause, `read ${name}`);
      });
      return stored ? (toTracked<V>(id, stored).view) : null;
    },
  };
};

/** True when every conditional write matched; false when some lost a compare-and-set. */
const writeAll = async (collection: Collection<StoredDocument>, writes: AnyBulkWriteOperation<StoredDocument>[], name: string): Promise<boolean> => {
  try {
    const result = await collection.bulkWrite(writes, { ordered: false });
    return result.insertedCount + result.matchedCount === writes.length;
  } catch (cause) {
    // E11000: an insert met a document created meanwhile; the retry sees it.
    if (cause instanceof MongoBulkWriteError && isOnlyDuplicateKeys(cause)) return false;
    if (cause instanceof MongoServerError && cause.code === 11000) return false;
    throw storeError(cause, `write ${name}`);
  }
};

const isList = (errors: WriteError | readonly WriteError[]): errors is readonly WriteError[] => Array.isArray(errors);

const isOnlyDuplicateKeys = (error: MongoBulkWriteError): boolean => {
  const errors: readonly WriteError[] = isList(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return errors.length > 0 && errors.every((e) => e.code === 11000);
};
