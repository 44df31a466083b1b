import { describe, expect, it } from 'vitest';
import { seriesTotal } from './metrics-text.ts';

describe('seriesTotal', () => {
  it('adds a series over its label sets and ignores series that only share its prefix', () => {
    const exposition = [
      '# HELP consumer_batch_size Records per fetched batch',
      'consumer_batch_size_sum{group="g",topic="a"} 12',
      'consumer_batch_size_sum{group="g",topic="b"} 30.5',
      'consumer_batch_size_sum_other 100',
      'producer_send_records_count 7',
    ].join('\n');
    expect(seriesTotal(exposition, 'consumer_batch_size_sum')).toBe(42.5);
    expect(seriesTotal(exposition, 'producer_send_records_count')).toBe(7);
    expect(seriesTotal(exposition, 'missing')).toBe(0);
  });

  it('keeps only the label sets with the given label values', () => {
    const exposition = ['x_sum{group="g",topic="a",stage="decode"} 2', 'x_sum{group="g",topic="b",stage="decode"} 3', 'x_sum{group="g",topic="a",stage="handle"} 5'].join('\n');
    expect(seriesTotal(exposition, 'x_sum', { stage: 'decode' })).toBe(5);
    expect(seriesTotal(exposition, 'x_sum', { stage: 'decode', topic: 'a' })).toBe(2);
  });
});
