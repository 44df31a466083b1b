import { describe, expect, it } from 'vitest';
import { compare, median } from './harness.ts';

describe('the benchmark harness', () => {
  it('takes the median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('alternates baseline and subject and reports subject / baseline', async () => {
    const order: string[] = [];
    const result = await compare(
      'sample',
      { label: 'a', run: () => void order.push('a') },
      { label: 'b', run: () => void order.push('b') },
      { rounds: 3, opsPerRound: 10, warmupOps: 1 },
    );
    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
    expect(result.ratio).toBeGreaterThan(0);
  });
});
