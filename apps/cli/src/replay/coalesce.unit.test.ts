import { describe, expect, it } from 'vitest';
import { createCoalescer } from './coalesce.ts';

const recorder = () => {
  const folds: number[][] = [];
  return {
    folds,
    fold: (events: number[]) => {
      folds.push([...events]);
      return Promise.resolve();
    },
  };
};

describe('createCoalescer', () => {
  it('folds batches that arrive together once, in arrival order, and releases every caller after the write', async () => {
    const { folds, fold } = recorder();
    const coalescer = createCoalescer({ fold, maxEvents: 100, lingerMs: 20 });
    await Promise.all([coalescer.add([1, 2]), coalescer.add([3]), coalescer.add([4, 5])]);
    expect(folds).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('folds a full window at once and starts the next', async () => {
    const { folds, fold } = recorder();
    const coalescer = createCoalescer({ fold, maxEvents: 3, lingerMs: 10_000 });
    const first = coalescer.add([1, 2, 3]);
    await first;
    expect(folds).toEqual([[1, 2, 3]]);
    const second = coalescer.add([4]);
    const third = coalescer.add([5, 6]);
    await Promise.all([second, third]);
    expect(folds).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('writes windows one after another, never two at once', async () => {
    let writing = 0;
    let most = 0;
    const coalescer = createCoalescer<number>({
      fold: async () => {
        writing += 1;
        most = Math.max(most, writing);
        await new Promise((resolve) => setTimeout(resolve, 5));
        writing -= 1;
      },
      maxEvents: 1,
      lingerMs: 1,
    });
    await Promise.all([1, 2, 3, 4].map((n) => coalescer.add([n])));
    expect(most).toBe(1);
  });

  it('fails the callers of a window whose fold fails, and keeps folding later windows', async () => {
    const folds: number[][] = [];
    const coalescer = createCoalescer<number>({
      fold: (events) => {
        if (events.includes(0)) return Promise.reject(new Error('store down'));
        folds.push(events);
        return Promise.resolve();
      },
      maxEvents: 2,
      lingerMs: 5,
    });
    await expect(coalescer.add([0, 1])).rejects.toThrow('store down');
    await coalescer.add([2]);
    expect(folds).toEqual([[2]]);
  });

  it('resolves at once for an empty batch', async () => {
    const { folds, fold } = recorder();
    await createCoalescer({ fold, maxEvents: 10, lingerMs: 10_000 }).add([]);
    expect(folds).toEqual([]);
  });
});
