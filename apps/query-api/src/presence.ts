import type { Db } from 'mongodb';

/**
 * Whether the collection a read model is served from exists, asked of the store at most once per
 * `ttlMs`. A lookup that finds nothing in a collection that is gone says nothing about the id:
 * the read model itself is missing, which the caller reports as an outage instead of a 404.
 */
export const createPresenceCheck = (db: Db, serving: () => Promise<string>, { ttlMs = 1_000, now = Date.now }: { ttlMs?: number; now?: () => number } = {}) => {
  let known: { exists: boolean; until: number } | undefined;
  return async (): Promise<boolean> => {
    if (known && known.until > now()) return known.exists;
    const name = await serving();
    const exists = (await db.listCollections({ name }, { nameOnly: true }).toArray()).length > 0;
    known = { exists, until: now() + ttlMs };
    return exists;
  };
};
