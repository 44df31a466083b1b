import { describe, expect, it } from 'vitest';
import { foldDocument, groupByDocument, type Projection, type Tracked } from './projection.ts';

interface Counted {
  topic: string;
  partition: number;
  offset: string;
  id: string;
  amount: number;
}

const sum: Projection<{ total: number }, Counted> = {
  documentId: (e) => e.id,
  evolve: (view, e) => ({ total: (view?.total ?? 0) + e.amount }),
};

const at = (offset: number, amount: number, id = 'a'): Counted => ({ topic: 't', partition: 0, offset: String(offset), id, amount });
const fresh: Tracked<{ total: number }> = { id: 'a', view: null, positions: [], version: 0 };

describe('folding a batch into a document', () => {
  it('applies new events and records the position reached', () => {
    const { next, applied } = foldDocument(fresh, [at(1, 5), at(2, 7)], sum);
    expect(next).toEqual({ id: 'a', view: { total: 12 }, positions: [{ topic: 't', partition: 0, offset: '2' }], version: 1 });
    expect(applied).toBe(2);
  });

  it('changes nothing when the same events are delivered again', () => {
    const once = foldDocument(fresh, [at(1, 5), at(2, 7)], sum).next;
    const twice = foldDocument(once, [at(1, 5), at(2, 7)], sum);
    expect(twice.next).toEqual(once);
    expect(twice.duplicates).toBe(2);
  });

  it('keeps positions per partition apart', () => {
    const once = foldDocument(fresh, [at(9, 1)], sum).next;
    const other = foldDocument(once, [{ ...at(3, 2), partition: 1 }], sum);
    expect(other.next.view).toEqual({ total: 3 });
  });

  it('groups events by document in arrival order', () => {
    const groups = groupByDocument([at(1, 1, 'a'), at(2, 2, 'b'), at(3, 3, 'a')], sum);
    expect([...groups.entries()].map(([id, events]) => [id, events.map((e) => e.offset)])).toEqual([
      ['a', ['1', '3']],
      ['b', ['2']],
    ]);
  });
});
