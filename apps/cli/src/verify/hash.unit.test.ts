import { describe, expect, it } from 'vitest';
import { canonical, differingFields, documentHash, overallHash } from './hash.ts';

describe('content hashes', () => {
  it('ignore the id, the write bookkeeping and the order fields were written in', () => {
    const a = { _id: 'o-1', status: 'PLACED', total: '20', _version: 3, _positions: [{ topic: 'orders', partition: 0, offset: '4' }] };
    const b = { total: '20', status: 'PLACED', _id: 'o-1', _version: 1, _positions: [] };
    expect(documentHash(a)).toBe(documentHash(b));
  });

  it('see a change in any field, nested or not', () => {
    const a = { status: 'PLACED', lines: [{ sku: 'A', quantity: 1 }], placedAt: new Date('2026-01-01T00:00:00Z') };
    expect(documentHash(a)).not.toBe(documentHash({ ...a, lines: [{ sku: 'A', quantity: 2 }] }));
    expect(documentHash(a)).not.toBe(documentHash({ ...a, placedAt: new Date('2026-01-01T00:00:01Z') }));
    expect(canonical({ b: 1, a: [null, 'x'] })).toBe('{"a":[null,"x"],"b":1}');
  });

  it('hash a whole copy independently of the order documents were read in', () => {
    expect(overallHash(new Map([['a', '1'], ['b', '2']]))).toBe(overallHash(new Map([['b', '2'], ['a', '1']])));
    expect(overallHash(new Map([['a', '1']]))).not.toBe(overallHash(new Map([['a', '2']])));
  });

  it('name the fields that differ', () => {
    expect(differingFields({ _id: 'x', status: 'A', total: '1', _version: 1 }, { _id: 'x', status: 'B', total: '1', note: 'n', _version: 2 })).toEqual(['note', 'status']);
  });
});
