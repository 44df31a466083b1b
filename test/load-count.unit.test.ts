import { describe, expect, it } from 'vitest';
import { acceptedIds, compareCounts, countsHold, formatCounts } from '../load/count-check.ts';

const a = '6f1c2d3e-0000-4000-8000-000000000001';
const b = '6f1c2d3e-0000-4000-8000-000000000002';
const c = '6f1c2d3e-0000-4000-8000-000000000003';

describe('the load run count check', () => {
  it('reads the accepted order ids from k6 console lines, repeats kept', () => {
    const output = [`time="2026-11-22T04:00:00Z" level=info msg="accepted ${a}" source=console`, 'unrelated line', `accepted ${b}`, `accepted ${a}`].join('\n');
    expect(acceptedIds(output)).toEqual([a, b, a]);
  });

  it('passes when every accepted order is in the read model once', () => {
    const result = compareCounts([a, b], [b, a]);
    expect(countsHold(result)).toBe(true);
    expect(formatCounts('commands', result)).toBe('commands: accepted 2, in read model 2, lost: 0, duplicated: 0');
  });

  it('reports an accepted order missing from the read model as lost', () => {
    const result = compareCounts([a, b, c], [a, c]);
    expect(result.lost).toEqual([b]);
    expect(countsHold(result)).toBe(false);
    expect(formatCounts('commands', result)).toContain('lost: 1, duplicated: 0');
  });

  it('reports an order listed twice, or accepted twice, as duplicated', () => {
    expect(compareCounts([a, b], [a, b, b]).duplicated).toEqual([b]);
    expect(compareCounts([a, a], [a]).duplicated).toEqual([a]);
    expect(countsHold(compareCounts([a, b], [a, b, b]))).toBe(false);
  });

  it('notes orders in the read model whose 202 the generator never saw, without failing', () => {
    const result = compareCounts([a], [a, c]);
    expect(result.unexpected).toEqual([c]);
    expect(countsHold(result)).toBe(true);
  });
});
