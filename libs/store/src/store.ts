import { TributaryError } from '@tributary/errors';
import { MongoClient, type Db, type Document } from 'mongodb';

export interface StoreOptions {
  uri: string;
  database: string;
  /** How long a call may wait for a reachable server before it fails as STORE_UNAVAILABLE. */
  serverSelectionTimeoutMs?: number;
}

export interface Store {
  readonly db: Db;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Longer than the longest single write a replay window makes on the local store (about 10 s). */
const socketTimeoutMs = 60_000;

/** Connects through the official driver only, so a real MongoDB and the local store are interchangeable. */
export const connectStore = async ({ uri, database, serverSelectionTimeoutMs = 5_000 }: StoreOptions): Promise<Store> => {
  // A call whose connection went silent (cut mid-request) must fail rather than wait forever: the
  // read model holds a document's turn while it writes, and a partition only resumes once it returns.
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: serverSelectionTimeoutMs, socketTimeoutMS: socketTimeoutMs, appName: 'tributary' });
  try {
    await client.connect();
  } catch (cause) {
    await client.close().catch(() => undefined);
    throw new TributaryError('STORE_UNAVAILABLE', `Cannot reach the MongoDB store (${redactUri(uri)}): ${(cause as Error).message}`, { cause });
  }
  const db = client.db(database);
  return {
    db,
    async ping() {
      try {
        await db.command({ ping: 1 } satisfies Document);
        return true;
      } catch {
        return false;
      }
    },
    close: () => client.close(),
  };
};

/** Connection strings may carry a password: never print it. */
export const redactUri = (uri: string): string => uri.replace(/\/\/([^@/]*)@/, '//***@');
