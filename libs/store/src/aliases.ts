import { TributaryError } from '@tributary/errors';
import { MongoServerError, type Db } from 'mongodb';

/**
 * A read model has a logical name (order_views) and lives in one physical collection. The alias
 * document maps the first to the second; without one the logical name is the collection. Switching
 * readers to a rebuilt copy is then a single-document write, which real MongoDB and FerretDB both
 * apply whole (a collection rename over an existing target is not available everywhere).
 */
export const aliasesCollection = '_read_model_aliases';

/** How long a resolved alias is trusted: a switch reaches every reader and writer within it. */
export const aliasTtlMs = 1_000;

interface AliasDocument {
  _id: string;
  collection: string;
  previous?: string;
  switchedAt: Date;
}

const storeError = (cause: unknown, action: string) =>
  new TributaryError('STORE_UNAVAILABLE', `Store failed to ${action}: ${(cause as Error).message}`, { cause });

/** The physical collection serving a read model now. */
export const resolveAlias = async (db: Db, name: string): Promise<string> => {
  const found = await db
    .collection<AliasDocument>(aliasesCollection)
    .findOne({ _id: name })
    .catch((cause: unknown) => {
      throw storeError(cause, `resolve the alias of ${name}`);
    });
  return found?.collection ?? name;
};

/** Points the read model at another collection; readers follow within aliasTtlMs. */
export const switchAlias = async (db: Db, name: string, collection: string, previous: string): Promise<void> => {
  await db
    .collection<AliasDocument>(aliasesCollection)
    .replaceOne({ _id: name }, { collection, previous, switchedAt: new Date() }, { upsert: true })
    .catch((cause: unknown) => {
      throw storeError(cause, `switch the alias of ${name}`);
    });
};

export type AliasResolver = (name: string) => Promise<string>;

/**
 * Resolves aliases through a short-lived cache, so hot paths read the alias at most once per TTL.
 * While the store cannot be read, the last known answer keeps serving.
 */
export const createAliasResolver = (db: Db, { ttlMs = aliasTtlMs, now = Date.now }: { ttlMs?: number; now?: () => number } = {}): AliasResolver => {
  const known = new Map<string, { collection: string; until: number; refreshing?: Promise<string> }>();
  return async (name) => {
    const entry = known.get(name);
    if (entry && entry.until > now()) return entry.collection;
    if (entry?.refreshing) return entry.refreshing;
    const refreshing = resolveAlias(db, name)
      .then((collection) => {
        known.set(name, { collection, until: now() + ttlMs });
        return collection;
      })
      .catch((error: unknown) => {
        if (!entry) {
          known.delete(name);
          throw error;
        }
        entry.refreshing = undefined;
        return entry.collection;
      });
    if (entry) entry.refreshing = refreshing;
    else known.set(name, { collection: name, until: 0, refreshing });
    return refreshing;
  };
};

/** Every physical collection a read model may be kept in: the logical name and its dated copies. */
export const isCopyOf = (name: string, collection: string): boolean => collection === name || collection.startsWith(`${name}__`);

export const locksCollection = '_read_model_locks';

interface LockDocument {
  _id: string;
  owner: string;
  heartbeatAt: Date;
}

export interface Lock {
  /** Keeps the lock fresh; a lock not refreshed for staleAfterMs may be taken over. */
  refresh(): Promise<void>;
  release(): Promise<void>;
}

/**
 * One holder per name: the holder inserts the document keyed by the name, and an insert on a taken
 * _id fails on every store (FerretDB applies updates non-atomically, but not inserts on _id). A
 * holder that died leaves its document; once stale it is deleted at its exact heartbeat and retaken.
 */
export const acquireLock = async (db: Db, name: string, owner: string, { staleAfterMs = 30_000 }: { staleAfterMs?: number } = {}): Promise<Lock> => {
  const locks = db.collection<LockDocument>(locksCollection);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await locks.insertOne({ _id: name, owner, heartbeatAt: new Date() });
      return {
        refresh: async () => {
          await locks.updateOne({ _id: name, owner }, { $set: { heartbeatAt: new Date() } });
        },
        release: async () => {
          await locks.deleteOne({ _id: name, owner });
        },
      };
    } catch (cause) {
      if (!(cause instanceof MongoServerError && cause.code === 11000)) throw storeError(cause, `take the lock ${name}`);
      const held = await locks.findOne({ _id: name });
      if (held && Date.now() - held.heartbeatAt.getTime() < staleAfterMs) {
        throw new TributaryError('CONFLICT', `${name} is held by ${held.owner} (alive ${Math.round((Date.now() - held.heartbeatAt.getTime()) / 1000)} s ago)`, {
          details: { owner: held.owner, heartbeatAt: held.heartbeatAt.toISOString() },
        });
      }
      if (held) await locks.deleteOne({ _id: name, heartbeatAt: held.heartbeatAt });
    }
  }
  throw new TributaryError('CONFLICT', `${name} is being taken over by another process`);
};
