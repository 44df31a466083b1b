import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createKeyedLock } from './keyed-lock.ts';

describe('keyed lock', () => {
  it('runs holders of a shared key one after another and others side by side', async () => {
    const withKeys = createKeyedLock();
    const log: string[] = [];
    const task = (name: string, keys: string[], ms: number) =>
      withKeys(keys, async () => {
        log.push(`${name}+`);
        await sleep(ms);
        log.push(`${name}-`);
      });
    await Promise.all([task('a', ['x', 'y'], 30), task('b', ['y'], 5), task('c', ['z'], 5), task('d', ['y', 'x'], 5)]);
    // b and d wait for a (they share y); c shares nothing and runs at once.
    expect(log.indexOf('a-')).toBeLessThan(log.indexOf('b+'));
    expect(log.indexOf('b-')).toBeLessThan(log.indexOf('d+'));
    expect(log.indexOf('c+')).toBeLessThan(log.indexOf('a-'));
  });

  it('lets the next holder in when work fails', async () => {
    const withKeys = createKeyedLock();
    await expect(withKeys(['k'], () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await withKeys(['k'], () => Promise.resolve(42))).toBe(42);
  });
});
