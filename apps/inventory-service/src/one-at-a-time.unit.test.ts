import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { oneAtATimePerKey } from './one-at-a-time.ts';

describe('oneAtATimePerKey', () => {
  it('runs one key’s tasks one after another in call order, other keys alongside, and goes on after a failure', async () => {
    const serialize = oneAtATimePerKey();
    const log: string[] = [];
    const task = (name: string, ms: number, fail = false) => async () => {
      log.push(`${name} start`);
      await sleep(ms);
      log.push(`${name} end`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([serialize('a', task('a1', 30, true)), serialize('a', task('a2', 1)), serialize('b', task('b1', 5))]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(log).toEqual(['a1 start', 'b1 start', 'b1 end', 'a1 end', 'a2 start', 'a2 end']);
  });
});
