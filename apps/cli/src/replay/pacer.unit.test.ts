import { describe, expect, it } from 'vitest';
import { createPacer } from './pacer.ts';

describe('createPacer', () => {
  it('pauses partitions ahead of the slowest by more than the lead and resumes them once it catches up', () => {
    const pacer = createPacer(1_000);
    pacer.observe('orders:0', 10_000, false);
    pacer.observe('inventory:0', 30_000, false);
    pacer.observe('payments:0', 10_500, false);
    expect(pacer.decide()).toEqual({ pause: ['inventory:0'], resume: [] });
    // Asked again with nothing new, it repeats nothing.
    expect(pacer.decide()).toEqual({ pause: [], resume: [] });
    pacer.observe('orders:0', 29_500, false);
    pacer.observe('payments:0', 29_800, false);
    expect(pacer.decide()).toEqual({ pause: [], resume: ['inventory:0'] });
  });

  it('never holds partitions back for one that reached its end, so a replay cannot stall', () => {
    const pacer = createPacer(1_000);
    pacer.observe('orders:0', 5_000, true);
    pacer.observe('inventory:0', 60_000, false);
    expect(pacer.decide()).toEqual({ pause: [], resume: [] });
  });

  it('always leaves the slowest partition running', () => {
    const pacer = createPacer(0);
    pacer.observe('a', 3, false);
    pacer.observe('b', 2, false);
    pacer.observe('c', 1, false);
    expect(pacer.decide().pause.sort()).toEqual(['a', 'b']);
  });
});
