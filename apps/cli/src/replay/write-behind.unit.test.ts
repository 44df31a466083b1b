import { describe, expect, it } from 'vitest';
import { createWriteBehind, type Positioned } from './write-behind.ts';

interface Event extends Positioned {
  readonly doc: string | undefined;
}

const event = (topic: string, partition: number, offset: number, doc: string | undefined): Event => ({ topic, partition, offset: String(offset), doc });

/** A buffer whose writes are recorded as the document ids of their events; `failing` makes the next write throw. */
const recorded = (maxHeldEvents: number, lowWaterEvents: number) => {
  const writes: string[][] = [];
  let failing = false;
  const buffer = createWriteBehind<Event>({
    documentOf: (e) => e.doc,
    fold: (events) => {
      if (failing) {
        failing = false;
        return Promise.reject(new Error('store down'));
      }
      writes.push(events.map((e) => `${e.doc ?? '-'}@${e.topic}:${e.offset}`));
      return Promise.resolve();
    },
    maxHeldEvents,
    lowWaterEvents,
  });
  return { buffer, writes, failNext: () => (failing = true) };
};

describe('createWriteBehind', () => {
  it('writes a document once with all its events, from whichever stream they came', async () => {
    const { buffer, writes } = recorded(100, 50);
    await buffer.add('inventory', 0, [event('inventory', 0, 0, 'o-1'), event('inventory', 0, 1, 'o-2')], 2n);
    await buffer.add('orders', 0, [event('orders', 0, 0, 'o-1'), event('orders', 0, 1, 'o-2'), event('orders', 0, 2, 'o-1')], 3n);
    expect(writes).toEqual([]);
    await buffer.flush();
    // Touched longest ago first: o-2's last event came before o-1's.
    expect(writes).toEqual([['o-2@inventory:1', 'o-2@orders:1', 'o-1@inventory:0', 'o-1@orders:0', 'o-1@orders:2']]);
    expect(buffer.held()).toBe(0);
  });

  it('when full, writes the documents touched longest ago down to the low water mark', async () => {
    const { buffer, writes } = recorded(4, 2);
    await buffer.add('orders', 0, [event('orders', 0, 0, 'a'), event('orders', 0, 1, 'b'), event('orders', 0, 2, 'c'), event('orders', 0, 3, 'a')], 4n);
    expect(writes).toEqual([]);
    // A fifth event: b and c are the oldest (a was touched again at offset 3).
    await buffer.add('orders', 0, [event('orders', 0, 4, 'd')], 5n);
    expect(writes).toEqual([['b@orders:1', 'c@orders:2', 'a@orders:0', 'a@orders:3']]);
    expect(buffer.held()).toBe(1);
  });

  it('lets a partition commit only below its oldest event still held', async () => {
    const { buffer } = recorded(3, 2);
    await buffer.add('orders', 0, [event('orders', 0, 10, 'a'), event('orders', 0, 11, undefined), event('orders', 0, 12, 'b')], 13n);
    await buffer.add('payments', 1, [], 7n);
    expect(buffer.written()).toEqual(new Map([['orders:0', 10n], ['payments:1', 7n]]));
    await buffer.add('orders', 0, [event('orders', 0, 13, 'c'), event('orders', 0, 14, 'a')], 15n);
    // Over three held: b and c, touched longest ago, are written; a (offsets 10 and 14) still holds the partition at 10.
    expect(buffer.written().get('orders:0')).toBe(10n);
    await buffer.flush();
    expect(buffer.written().get('orders:0')).toBe(15n);
  });

  it('keeps what a failed write held, and writes it on the next try', async () => {
    const { buffer, writes, failNext } = recorded(10, 0);
    await buffer.add('orders', 0, [event('orders', 0, 0, 'a')], 1n);
    failNext();
    await expect(buffer.flush()).rejects.toThrow('store down');
    expect(buffer.held()).toBe(1);
    expect(buffer.written().get('orders:0')).toBe(0n);
    await buffer.flush();
    expect(writes).toEqual([['a@orders:0']]);
    expect(buffer.written().get('orders:0')).toBe(1n);
  });

  it('counts a batch delivered twice as held twice, and releases the partition once both are written', async () => {
    const { buffer } = recorded(10, 0);
    const batch = [event('orders', 0, 5, 'a'), event('orders', 0, 6, 'b')];
    await buffer.add('orders', 0, batch, 7n);
    await buffer.add('orders', 0, batch, 7n);
    expect(buffer.held()).toBe(4);
    await buffer.flush();
    expect(buffer.written().get('orders:0')).toBe(7n);
  });

  it('writes events that arrive during a write in a later write, never twice', async () => {
    let release!: () => void;
    let started!: () => void;
    const writing = new Promise<void>((resolve) => (started = resolve));
    const writes: string[][] = [];
    const buffer = createWriteBehind<Event>({
      documentOf: (e) => e.doc,
      fold: async (events) => {
        writes.push(events.map((e) => `${e.doc ?? '-'}@${e.offset}`));
        if (writes.length === 1) {
          const released = new Promise<void>((resolve) => (release = resolve));
          started();
          await released;
        }
      },
      maxHeldEvents: 100,
      lowWaterEvents: 0,
    });
    await buffer.add('orders', 0, [event('orders', 0, 0, 'a')], 1n);
    const first = buffer.flush();
    await writing;
    await buffer.add('orders', 0, [event('orders', 0, 1, 'a')], 2n);
    release();
    await first;
    expect(buffer.written().get('orders:0')).toBe(1n);
    await buffer.flush();
    expect(writes).toEqual([['a@0'], ['a@1']]);
    expect(buffer.written().get('orders:0')).toBe(2n);
  });
});
