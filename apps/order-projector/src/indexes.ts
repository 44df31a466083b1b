import type { Logger } from '@tributary/logger';
import type { ReadModelIndex } from '@tributary/order-views';
import type { Store } from '@tributary/store';

/**
 * Creates the indexes a read model's queries rely on. createIndexes is idempotent for an index
 * that already exists with the same key and name. A store that refuses serves the queries
 * by scanning, so a refusal is logged and projection goes on.
 */
export const ensureIndexes = async (db: Store['db'], collection: string, indexes: readonly ReadModelIndex[], logger: Logger): Promise<boolean> => {
  try {
    await db.collection(collection).createIndexes(indexes.map(({ name, key }) => ({ name, key: { ...key } })));
    return true;
  } catch (error) {
    logger.warn('could not create read-model indexes; queries will scan', {
      collection,
      indexes: indexes.map((index) => index.name),
      error: (error as Error).message,
    });
    return false;
  }
};
