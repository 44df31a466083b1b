import { describe, expect, it } from 'vitest';
import { applyChange, dropHold, emptyLevel, giveBack, reserveLine, setAvailable, type StockLevel } from './stock-level.ts';

const level = (available: number, holds: string[] = [], version = 3): StockLevel => ({ sku: 'SKU-1', version, available, holds });

describe('one SKU\'s stock', () => {
  it('takes a line when enough is available and marks the order as holding it', () => {
    const line = reserveLine(level(5), 'o-1', 2);
    expect(line).toEqual({ kind: 'take', change: { available: 3, holds: ['o-1'], kind: 'reserve', orderId: 'o-1', quantity: 2 } });
  });

  it('takes the last unit, but not one more', () => {
    expect(reserveLine(level(2), 'o-1', 2).kind).toBe('take');
    expect(reserveLine(level(1), 'o-1', 2)).toEqual({ kind: 'short', available: 1 });
  });

  it('finds a SKU never set short, with nothing available', () => {
    expect(reserveLine(emptyLevel('NEW'), 'o-1', 1)).toEqual({ kind: 'short', available: 0 });
  });

  it('takes nothing twice for an order that already holds the line, even with stock to spare', () => {
    expect(reserveLine(level(10, ['o-1']), 'o-1', 2)).toEqual({ kind: 'held' });
    expect(reserveLine(level(0, ['o-1']), 'o-1', 2)).toEqual({ kind: 'held' });
  });

  it('gives back what an order holds, once', () => {
    const change = giveBack(level(3, ['o-1', 'o-2']), 'o-1', 2);
    expect(change).toEqual({ available: 5, holds: ['o-2'], kind: 'release', orderId: 'o-1', quantity: 2 });
    expect(giveBack(applyChange(level(3, ['o-1', 'o-2']), change!), 'o-1', 2)).toBeUndefined();
    expect(giveBack(level(3), 'o-9', 2)).toBeUndefined();
  });

  it('confirming drops the hold and keeps the units taken', () => {
    expect(dropHold(level(3, ['o-1']), 'o-1')).toEqual({ available: 3, holds: [], kind: 'confirm', orderId: 'o-1', quantity: 0 });
    expect(dropHold(level(3), 'o-1')).toBeUndefined();
  });

  it('setting the level keeps the holds, and changes nothing when the level is already so', () => {
    expect(setAvailable(level(3, ['o-1']), 10)).toEqual({ available: 10, holds: ['o-1'], kind: 'set', orderId: null, quantity: 10 });
    expect(setAvailable(level(10), 10)).toBeUndefined();
    // A SKU never set is recorded even at 0, so it exists from then on.
    expect(setAvailable(emptyLevel('NEW'), 0)).toMatchObject({ available: 0, kind: 'set' });
  });

  it('each change is the next version', () => {
    const after = applyChange(level(5, [], 7), { available: 4, holds: ['o-1'], kind: 'reserve', orderId: 'o-1', quantity: 1 });
    expect(after).toEqual({ sku: 'SKU-1', version: 8, available: 4, holds: ['o-1'] });
  });
});
