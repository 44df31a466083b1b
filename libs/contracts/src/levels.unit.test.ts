import { describe, expect, it } from 'vitest';
import { pairsFor } from './levels.ts';

const versions = [1, 2, 3];
const pairs = (level: Parameters<typeof pairsFor>[0]) => pairsFor(level, versions).map(({ reader, writer }) => `v${reader} reads v${writer}`);

describe('compatibility levels as reader/writer pairs', () => {
  it('BACKWARD: each version reads the one before it', () => {
    expect(pairs('BACKWARD')).toEqual(['v2 reads v1', 'v3 reads v2']);
  });

  it('BACKWARD_TRANSITIVE: each version reads every earlier one', () => {
    expect(pairs('BACKWARD_TRANSITIVE')).toEqual(['v2 reads v1', 'v3 reads v1', 'v3 reads v2']);
  });

  it('FORWARD: each version is read by the one before it', () => {
    expect(pairs('FORWARD')).toEqual(['v1 reads v2', 'v2 reads v3']);
  });

  it('FORWARD_TRANSITIVE: every earlier version reads each version', () => {
    expect(pairs('FORWARD_TRANSITIVE')).toEqual(['v1 reads v2', 'v1 reads v3', 'v2 reads v3']);
  });

  it('FULL and FULL_TRANSITIVE: both directions', () => {
    expect(pairs('FULL')).toEqual(['v2 reads v1', 'v1 reads v2', 'v3 reads v2', 'v2 reads v3']);
    expect(pairs('FULL_TRANSITIVE')).toHaveLength(6);
  });

  it('NONE: nothing to check', () => {
    expect(pairs('NONE')).toEqual([]);
  });

  it('orders versions numerically and ignores gaps', () => {
    expect(pairsFor('BACKWARD', [10, 2, 9])).toEqual([{ reader: 9, writer: 2 }, { reader: 10, writer: 9 }]);
  });
});
