import { setTimeout as sleep } from 'node:timers/promises';
import { TributaryError } from '@tributary/errors';
import { createKeyedLock } from '@tributary/store';
import { MongoServerError, type Collection, type Db } from 'mongodb';
import { applyChange, emptyLevel, maxStockQuantity, setAvailable, skuPattern, type StockChange, type StockLevel } from './stock-level.ts';

export { maxStockQuantity, skuPattern, type StockLevel } from './stock-level.ts';

/**
 * Stock per SKU, kept so that concurrent writers can never oversell, on any MongoDB-compatible
 * store. FerretDB 1.x runs an update as read, modify, write without isolation (concurrent `$inc`s
 * and conditional updates on one document lose writes), and has no multi-document transactions;
 * only an insert is atomic, refused with E11000 when its _id exists. So every change of a SKU is
 * an insert of its next version, `stock_changes` `<sku>@<version>`: of two writers that read the
 * same version, exactly one creates the next, and the other reads again and decides again.
 *
 * `stock` (_id = sku) holds a recent version: it is where reads start (unless this process saw a
 * later one, see versionHints), and then follow `<sku>@<version+1>`, ... to the end, so a copy left
 * behind by a crash or a race costs a look-up, never a wrong answer. Writers refresh it at every
 * `levelCopyEvery`th version only: every write on FerretDB waits for the one before it in the same
 * database, and the copy would double the writes on the way to an order's answer. Every look-up is by _id, which FerretDB pushes down.
 * Versions are never deleted: they are the SKU's history, and the chain must stay unbroken.
 */
export const stockCollections = { levels: 'stock', changes: 'stock_changes' } as const;

interface StoredLevel {
  _id: string;
  version: number;
  available: number;
  holds: string[];
  updatedAt: Date;
}

interface StoredChange {
  _id: string;
  sku: string;
  version: number;
  available: number;
  holds: string[];
  kind: StockChange['kind'];
  orderId: string | null;
  quantity: number;
  at: Date;
}

const duplicateKey = 11000;
/** Lost races in a row before the change is given up as a transient failure (the consumer retries). */
const maxAttempts = 100;

const changeId = (sku: string, version: number): string => `${sku}@${version}`;

/** A reader that starts from the copy follows at most this many changes less one. */
export const levelCopyEvery = 8;

const storeError = (cause: unknown, action: string): unknown =>
  // Driver network errors are classified as transient by name; keep them, wrap the rest with context.
  cause instanceof MongoServerError ? new TributaryError('STORE_UNAVAILABLE', `Store failed to ${action}: ${cause.message}`, { cause }) : cause;

const collections = (db: Db) => ({
  levels: db.collection<StoredLevel>(stockCollections.levels),
  changes: db.collection<StoredChange>(stockCollections.changes),
});

const toLevel = (sku: string, stored: Pick<StoredLevel, 'version' | 'available' | 'holds'>): StockLevel => ({
  sku,
  version: stored.version,
  available: stored.available,
  holds: stored.holds,
});

/**
 * The version of each SKU this process last read or wrote, by database: only a hint of where the
 * chain ends now. A read checks that the hinted version is stored before it trusts it, so a hint
 * left over from a dropped database, or outrun by another writer, costs a look-up, never a wrong answer.
 */
const versionHints = new Map<string, number>();
const maxHints = 10_000;
const hintKey = (db: Db, sku: string): string => `${db.databaseName}/${sku}`;
const remember = (db: Db, level: StockLevel): void => {
  const key = hintKey(db, level.sku);
  versionHints.delete(key);
  if (level.version > 0) versionHints.set(key, level.version);
  // Map keeps insertion order: the first key is the one used longest ago.
  if (versionHints.size > maxHints) versionHints.delete(versionHints.keys().next().value as string);
};

/** Where a read starts: the hinted version and the one after it, looked up at once (two finds by _id), else the copy in `stock`. */
const startingLevel = async (db: Db, sku: string): Promise<{ level: StockLevel; atEnd: boolean }> => {
  const { levels, changes } = collections(db);
  const hint = versionHints.get(hintKey(db, sku));
  if (hint !== undefined) {
    const [at, next] = await Promise.all([changes.findOne({ _id: changeId(sku, hint) }), changes.findOne({ _id: changeId(sku, hint + 1) })]);
    if (at) return { level: toLevel(sku, next ?? at), atEnd: next === null };
  }
  const copy = await levels.findOne({ _id: sku });
  return { level: copy ? toLevel(sku, copy) : emptyLevel(sku), atEnd: false };
};

/** The newest version of a SKU: from the last version this process saw, or the last copy in `stock`, forward through the changes after it. */
export const readStockLevel = async (db: Db, sku: string): Promise<StockLevel> => {
  const { changes } = collections(db);
  try {
    let { level, atEnd } = await startingLevel(db, sku);
    while (!atEnd) {
      const next = await changes.findOne({ _id: changeId(sku, level.version + 1) });
      if (next) level = toLevel(sku, next);
      else atEnd = true;
    }
    remember(db, level);
    return level;
  } catch (cause) {
    throw storeError(cause, `read the stock of ${sku}`);
  }
};

export interface StockChangeResult {
  /** The level the decision was made on (the last one read). */
  readonly before: StockLevel;
  /** The level after the change; `before` when the decision was to change nothing. */
  readonly after: StockLevel;
  readonly changed: boolean;
}

export interface ChangeStockOptions {
  /** Told about every race lost to another writer. */
  onConflict?: () => void;
  now?: () => Date;
}

const oneWriterPerSku = createKeyedLock();

/**
 * Applies a decision to the newest level of a SKU with a compare-and-set. `decide` must be pure:
 * after a lost race it runs again on the level that won, so it decides on what is true now.
 */
export const changeStock = (db: Db, sku: string, decide: (level: StockLevel) => StockChange | undefined, options: ChangeStockOptions = {}): Promise<StockChangeResult> =>
  // Writers in one process take turns on a SKU: racing each other only costs retries. The
  // compare-and-set below still decides between processes.
  oneWriterPerSku([`${db.databaseName}/${sku}`], () => compareAndSetStock(db, sku, decide, options));

const compareAndSetStock = async (
  db: Db,
  sku: string,
  decide: (level: StockLevel) => StockChange | undefined,
  { onConflict, now = () => new Date() }: ChangeStockOptions,
): Promise<StockChangeResult> => {
  const { levels, changes } = collections(db);
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const before = await readStockLevel(db, sku);
    const change = decide(before);
    if (!change) return { before, after: before, changed: false };
    const after = applyChange(before, change);
    const at = now();
    try {
      await changes.insertOne({ _id: changeId(sku, after.version), sku, version: after.version, available: after.available, holds: [...after.holds], kind: change.kind, orderId: change.orderId, quantity: change.quantity, at });
    } catch (cause) {
      if (!(cause instanceof MongoServerError) || cause.code !== duplicateKey) throw storeError(cause, `change the stock of ${sku}`);
      onConflict?.();
      // Writers that collided would collide again in lockstep: spread their next tries.
      await sleep(Math.floor(Math.random() * Math.min(50, attempt * 2)));
      continue;
    }
    remember(db, after);
    if (after.version % levelCopyEvery === 0) await writeLevelCopy(levels, after, at);
    return { before, after, changed: true };
  }
  throw new TributaryError('STORE_UNAVAILABLE', `Concurrent writers kept changing the stock of ${sku} for ${maxAttempts} attempts`);
};

/**
 * Moves the `stock` copy forward. Only a shortcut for readers: a copy that a slower writer
 * overwrites with an older version, or that a crash never writes, is caught up on the next read.
 */
const writeLevelCopy = async (levels: Collection<StoredLevel>, level: StockLevel, updatedAt: Date): Promise<void> => {
  try {
    await levels.replaceOne(
      { _id: level.sku, version: { $lt: level.version } },
      { version: level.version, available: level.available, holds: [...level.holds], updatedAt },
      { upsert: true },
    );
  } catch (cause) {
    // The filter missed because the copy is already newer, so the upsert met the existing _id.
    if (cause instanceof MongoServerError && cause.code === duplicateKey) return;
    throw storeError(cause, `record the stock of ${level.sku}`);
  }
};

const invalid = (message: string) => new TributaryError('VALIDATION_FAILED', message);

export const checkSku = (sku: string): string => {
  if (!skuPattern.test(sku)) throw invalid(`SKU ${JSON.stringify(sku)} is invalid: use 1 to 128 letters, digits, . _ : -`);
  return sku;
};

export const checkQuantity = (quantity: number): number => {
  if (!Number.isInteger(quantity) || quantity < 0 || quantity > maxStockQuantity) throw invalid(`quantity ${quantity} is invalid: give a whole number from 0 to ${maxStockQuantity}`);
  return quantity;
};

export interface StockAnswer {
  readonly sku: string;
  readonly available: number;
}

/** Sets the units of a SKU free to reserve; units that orders hold stay held. */
export const setStock = async (db: Db, sku: string, quantity: number, options: ChangeStockOptions = {}): Promise<StockAnswer & { readonly previous: number }> => {
  checkSku(sku);
  checkQuantity(quantity);
  const { before, after } = await changeStock(db, sku, (level) => setAvailable(level, quantity), options);
  return { sku, available: after.available, previous: before.available };
};

/** Units of a SKU free to reserve; a SKU never set has none. */
export const readStock = async (db: Db, sku: string): Promise<StockAnswer> => {
  checkSku(sku);
  const { available } = await readStockLevel(db, sku);
  return { sku, available };
};
