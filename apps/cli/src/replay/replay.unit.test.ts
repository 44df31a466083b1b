import { describe, expect, it } from 'vitest';
import { describeStart, parseStart, parseTime } from './from.ts';
import { countBetween, maxOffsets, reaches, splitKey } from './offsets.ts';
import { formatProgressBar, progressFigures } from './progress.ts';
import { stampOf } from './run.ts';

const topics = ['orders', 'orders-payments'];

describe('where a replay starts', () => {
  it('starts at the earliest events unless told otherwise', () => {
    expect(parseStart(undefined, topics)).toEqual({ kind: 'earliest' });
    expect(parseStart('earliest', topics)).toEqual({ kind: 'earliest' });
  });

  it('reads an ISO timestamp as a moment', () => {
    const spec = parseStart('2026-11-22T04:00:00Z', topics);
    expect(spec).toEqual({ kind: 'time', at: new Date('2026-11-22T04:00:00Z') });
    expect(describeStart(spec)).toBe('2026-11-22T04:00:00.000Z');
  });

  it('reads explicit offsets per topic and partition', () => {
    const spec = parseStart('orders:0:15,orders-payments:2:7', topics);
    expect(spec.kind === 'offsets' && [...spec.offsets]).toEqual([
      ['orders:0', 15n],
      ['orders-payments:2', 7n],
    ]);
    expect(describeStart(spec)).toBe('orders:0:15,orders-payments:2:7');
  });

  it('refuses what it cannot read, naming the problem', () => {
    expect(() => parseStart('yesterday', topics)).toThrow(/not earliest, an ISO timestamp, or topic:partition:offset/);
    expect(() => parseStart('payments:0:1', topics)).toThrow(/does not read/);
    expect(() => parseStart('2026-13-45T99:00:00Z', topics)).toThrow(/not an ISO timestamp/);
    expect(() => parseTime('soon', 'to')).toThrow(/--to "soon"/);
  });
});

describe('offsets', () => {
  const at = (entries: [string, bigint][]) => new Map(entries);

  it('counts the records between two positions and tells when a target is reached', () => {
    expect(countBetween(at([['orders:0', 5n]]), at([['orders:0', 15n], ['orders:1', 3n]]))).toBe(13n);
    expect(reaches(at([['orders:0', 15n]]), at([['orders:0', 15n], ['orders:1', 0n]]))).toBe(true);
    expect(reaches(at([['orders:0', 14n]]), at([['orders:0', 15n]]))).toBe(false);
    expect([...maxOffsets(at([['orders:0', 5n]]), at([['orders:0', 3n], ['orders:1', 2n]]))]).toEqual([
      ['orders:0', 5n],
      ['orders:1', 2n],
    ]);
  });

  it('splits keys of topics with dots and dashes', () => {
    expect(splitKey('tenant.orders-v2:11')).toEqual({ topic: 'tenant.orders-v2', partition: 11 });
  });
});

describe('progress', () => {
  it('gives the rate, the share done and the time left', () => {
    const figures = progressFigures({ phase: 'building', done: 5_000, total: 20_000, applied: 4_000, elapsedMs: 2_000 });
    expect(figures).toMatchObject({ eventsPerSecond: 2_500, percent: 25, etaSeconds: 6 });
    expect(formatProgressBar(figures, 8)).toBe('building  [##------]  25% 5,000/20,000 events  2,500 ev/s  ETA 6s');
  });

  it('has no estimate before there is a rate, and none needed when nothing is left', () => {
    expect(progressFigures({ phase: 'building', done: 0, total: 10, applied: 0, elapsedMs: 0 }).etaSeconds).toBeNull();
    expect(progressFigures({ phase: 'final', done: 0, total: 0, applied: 0, elapsedMs: 0 })).toMatchObject({ percent: 100, etaSeconds: 0 });
  });

  it('names copies by the second they were started, in UTC', () => {
    expect(stampOf(new Date('2026-11-22T04:12:03.456Z'))).toBe('20261122T041203');
  });
});
