import { MongoServerError, type Db } from 'mongodb';

const namespaceExists = 48;

/**
 * Creates a read model's collection when it is missing, before its first event: the query API
 * answers a miss in an existing collection with 404, and treats a missing one as dropped.
 */
export const ensureCollection = async (db: Db, collection: string): Promise<void> => {
  try {
    await db.createCollection(collection);
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === namespaceExists)) throw error;
  }
};
