import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { documentLocks } from './document-locks.ts';

describe('document locks', () => {
  it('let batches touching the same document write one after another', async () => {
    const withLocks = documentLocks();
    const log: string[] = [];
    const batch = (name: string, ids: string[], ms: number) =>
      withLocks(ids, async () => {
        log.push(`${name} start`);
        await sleep(ms);
        log.push(`${name} end`);
        return name;
      });
    expect(await Promise.all([batch('first', ['a', 'b'], 30), batch('second', ['b', 'c'], 1), batch('third', ['c'], 1)])).toEqual(['first', 'second', 'third']);
    expect(log).toEqual(['first start', 'first end', 'second start', 'second end', 'third start', 'third end']);
  });

  it('let batches touching different documents run side by side', async () => {
    const withLocks = documentLocks();
    const log: string[] = [];
    const batch = (name: string, ids: string[], ms: number) =>
      withLocks(ids, async () => {
        log.push(`${name} start`);
        await sleep(ms);
        log.push(`${name} end`);
      });
    await Promise.all([batch('slow', ['a'], 30), batch('quick', ['b'], 1)]);
    expect(log).toEqual(['slow start', 'quick start', 'quick end', 'slow end']);
  });

  it('release a document when the work fails', async () => {
    const withLocks = documentLocks();
    await expect(withLocks(['a'], () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    expect(await withLocks(['a'], () => Promise.resolve('next'))).toBe('next');
  });
});
