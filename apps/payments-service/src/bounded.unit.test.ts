import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { mapBounded } from './bounded.ts';

describe('mapBounded', () => {
  it('keeps at most the limit in flight and returns values in the items\' order', async () => {
    let inFlight = 0;
    let most = 0;
    const result = await mapBounded([5, 1, 4, 2, 3, 0], 2, async (ms) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await sleep(ms);
      inFlight -= 1;
      return ms * 10;
    });
    expect(result).toEqual({ ok: true, values: [50, 10, 40, 20, 30, 0] });
    expect(most).toBe(2);
  });

  it('starts nothing new after a failure and waits for the calls already running', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const result = await mapBounded([1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('one failed');
      await sleep(10);
      finished.push(n);
      return n;
    });
    expect(result.ok).toBe(false);
    expect(result.ok || result.errors.map((e) => (e as Error).message)).toEqual(['one failed']);
    expect(started).toEqual([1, 2]);
    expect(finished).toEqual([2]);
  });

  it('handles an empty list', async () => {
    expect(await mapBounded([], 8, () => Promise.resolve(1))).toEqual({ ok: true, values: [] });
  });
});
