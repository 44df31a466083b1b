import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';
import { detectStalls } from './stall.ts';

describe('backoff', () => {
  const policy = { attempts: 5, initialDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles per attempt up to the cap, keeping at least half of it', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy, () => 1))).toEqual([100, 200, 400, 800, 1_000]);
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
  });
});

describe('stall detection', () => {
  const empty = { since: new Map() };

  it('reports a partition with lag whose committed offset has not moved for the stall time', () => {
    const first = detectStalls(empty, [{ topic: 't', partition: 0, committed: 5n, end: 9n }], 0, 1_000);
    expect(first.stalled).toEqual([]);
    expect(first.lag).toEqual([{ topic: 't', partition: 0, lag: 4n }]);
    const later = detectStalls(first.state, [{ topic: 't', partition: 0, committed: 5n, end: 9n }], 1_500, 1_000);
    expect(later.stalled).toEqual([{ topic: 't', partition: 0, lag: 4n, forMs: 1_500 }]);
  });

  it('does not report a partition that moves or has nothing to do', () => {
    const first = detectStalls(empty, [{ topic: 't', partition: 0, committed: 5n, end: 9n }, { topic: 't', partition: 1, committed: 3n, end: 3n }], 0, 1_000);
    const later = detectStalls(first.state, [{ topic: 't', partition: 0, committed: 6n, end: 9n }, { topic: 't', partition: 1, committed: 3n, end: 3n }], 5_000, 1_000);
    expect(later.stalled).toEqual([]);
  });
});
