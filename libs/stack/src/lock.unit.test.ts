import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { withLock } from './lock.ts';

describe('withLock', () => {
  it('runs holders one after the other', async () => {
    const lock = join(await mkdtemp(join(tmpdir(), 'lock-')), 'x.lock');
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`${name} in`);
      await sleep(50);
      events.push(`${name} out`);
    };
    await Promise.all([withLock(lock, task('a')), withLock(lock, task('b'))]);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
  });

  it('breaks a lock left by a process that no longer exists', async () => {
    const lock = join(await mkdtemp(join(tmpdir(), 'lock-')), 'x.lock');
    await mkdir(lock);
    await writeFile(join(lock, 'pid'), '999999999');
    await expect(withLock(lock, () => Promise.resolve('done'), { timeoutMs: 2_000 })).resolves.toBe('done');
  });
});
