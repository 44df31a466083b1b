export { appliedOffset, isApplied, advance, type Position } from './positions.ts';
export { foldDocument, groupByDocument, type FoldResult, type Projection, type Tracked } from './projection.ts';
export { bookkeepingFields, openReadModel, type ApplyStats, type ReadModel, type ReadModelOptions } from './read-model.ts';
export { ensureCollection } from './collections.ts';
export { createKeyedLock } from './keyed-lock.ts';
export { connectStore, redactUri, type Store, type StoreOptions } from './store.ts';
export {
  acquireLock,
  aliasesCollection,
  aliasTtlMs,
  createAliasResolver,
  isCopyOf,
  locksCollection,
  resolveAlias,
  switchAlias,
  type AliasResolver,
  type Lock,
} from './aliases.ts';
