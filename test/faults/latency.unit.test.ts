import { describe, expect, it } from 'vitest';
import { duringFault, percentile } from './latency.ts';

describe('percentile', () => {
  it('is the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, n) => n + 1);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile([5, 1, 9], 0.5)).toBe(5);
    expect(percentile([], 0.99)).toBe(0);
  });
});

describe('duringFault', () => {
  it('counts only the orders sent while the fault lasted', () => {
    const answers = [
      { sentAt: 5, ms: 10, status: 202 },
      { sentAt: 10, ms: 900, status: 202 },
      { sentAt: 15, ms: 5000, status: 503 },
      { sentAt: 25, ms: 10, status: 503 },
    ];
    expect(duringFault(answers, 10, 20)).toEqual({ sent: 2, accepted: 1, p99Ms: 5000 });
  });
});
