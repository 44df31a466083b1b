import { describe, expect, it } from 'vitest';
import { acceptedIds, compareCounts, countsHold, formatCounts, type ListedOrder } from '../load/count-check.ts';

const a = '6f1c2d3e-0000-4000-8000-000000000001';
const b = '6f1c2d3e-0000-4000-8000-000000000002';
const c = '6f1c2d3e-0000-4000-8000-000000000003';

/** Orders as the query API lists them; final unless a status is given. */
const listed = (...orders: (string | [string, string])[]): ListedOrder[] =>
  orders.map((order) => (typeof order === 'string' ? { orderId: order, status: 'CONFIRMED' } : { orderId: order[0], status: order[1] }));

describe('the load run count check', () => {
  it('reads the accepted order ids from k6 console lines, repeats kept', () => {
    const output = [`time="2026-11-22T04:00:00Z" level=info msg="accepted ${a}" source=console`, 'unrelated line', `accepted ${b}`, `accepted ${a}`].join('\n');
    expect(acceptedIds(output)).toEqual([a, b, a]);
  });

  it('passes when every accepted order is in the read model once, and final', () => {
    const result = compareCounts([a, b, c], listed(b, a, [c, 'REJECTED']));
    expect(countsHold(result)).toBe(true);
    expect(formatCounts('commands', result)).toBe('commands: accepted 3, in read model 3, lost: 0, stuck: 0, duplicated: 0');
  });

  it('reports an accepted order missing from the read model as lost', () => {
    const result = compareCounts([a, b, c], listed(a, c));
    expect(result.lost).toEqual([b]);
    expect(result.stuck).toEqual([]);
    expect(countsHold(result)).toBe(false);
    expect(formatCounts('commands', result)).toContain('lost: 1, stuck: 0, duplicated: 0');
  });

  it('reports an accepted order listed short of a final state as stuck, not lost', () => {
    const result = compareCounts([a, b, c], listed(a, [b, 'PAYMENT_AUTHORIZED'], [c, 'CANCELLED']));
    expect(result.stuck).toEqual([b]);
    expect(result.lost).toEqual([]);
    expect(countsHold(result)).toBe(false);
    expect(formatCounts('end-to-end', result)).toBe(`end-to-end: accepted 3, in read model 3, lost: 0, stuck: 1, duplicated: 0 (stuck e.g. ${b})`);
  });

  it('reports an order listed twice, or accepted twice, as duplicated', () => {
    expect(compareCounts([a, b], listed(a, b, b)).duplicated).toEqual([b]);
    expect(compareCounts([a, a], listed(a)).duplicated).toEqual([a]);
    expect(countsHold(compareCounts([a, b], listed(a, b, b)))).toBe(false);
  });

  it('notes orders in the read model whose 202 the generator never saw, without failing', () => {
    const result = compareCounts([a], listed(a, [c, 'PLACED']));
    expect(result.unexpected).toEqual([c]);
    expect(countsHold(result)).toBe(true);
  });
});
