import type { Db } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createAliasResolver } from './aliases.ts';

/** A store whose alias document the test sets, counting reads. */
const fakeDb = () => {
  const state = { target: undefined as string | undefined, reads: 0, fail: false };
  const db = {
    collection: () => ({
      findOne: () => {
        state.reads += 1;
        return state.fail ? Promise.reject(new Error('down')) : Promise.resolve(state.target ? { collection: state.target } : null);
      },
    }),
  } as unknown as Db;
  return { db, state };
};

describe('alias resolution', () => {
  it('answers the logical name without an alias and follows a switch once the TTL has passed', async () => {
    const { db, state } = fakeDb();
    let now = 0;
    const resolve = createAliasResolver(db, { ttlMs: 1_000, now: () => now });
    expect(await resolve('order_views')).toBe('order_views');
    state.target = 'order_views__20261122T041203';
    now = 999;
    expect(await resolve('order_views')).toBe('order_views');
    expect(state.reads).toBe(1);
    now = 1_001;
    expect(await resolve('order_views')).toBe('order_views__20261122T041203');
  });

  it('keeps the last answer while the store cannot be read', async () => {
    const { db, state } = fakeDb();
    let now = 0;
    const resolve = createAliasResolver(db, { ttlMs: 1_000, now: () => now });
    state.target = 'order_views__a';
    expect(await resolve('order_views')).toBe('order_views__a');
    state.fail = true;
    now = 5_000;
    expect(await resolve('order_views')).toBe('order_views__a');
  });

  it('fails when there is no answer yet and the store is down', async () => {
    const { db, state } = fakeDb();
    state.fail = true;
    await expect(createAliasResolver(db)('order_views')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
