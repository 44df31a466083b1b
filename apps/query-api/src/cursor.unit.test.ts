import { describe, expect, it } from 'vitest';
import { afterKey, decodeCursor, encodeCursor } from './cursor.ts';

const key = { placedAt: '2026-03-01T10:00:00.000Z', orderId: 'o-1' };

describe('page cursors', () => {
  it('carry the last row\'s sort key and back', () => {
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
    expect(decodeCursor(encodeCursor({ placedAt: null, orderId: 'o-2' }))).toEqual({ placedAt: null, orderId: 'o-2' });
  });

  it('are URL-safe text', () => {
    expect(encodeCursor(key)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('refuse anything the API did not issue', () => {
    const issued = encodeCursor(key);
    const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const tampered of [
      '',
      'abc',
      `${issued}=`,
      `${issued.slice(0, -1)}${issued.endsWith('A') ? 'B' : 'A'}`,
      Buffer.from(JSON.stringify([key.placedAt, key.orderId])).toString('base64'),
      json({ placedAt: key.placedAt, orderId: key.orderId }),
      json([key.placedAt, { $gt: '' }]),
      json([{ $gt: '' }, 'o-1']),
      json(['yesterday', 'o-1']),
      json([key.placedAt, 'o-1', 'extra']),
      json([key.placedAt, 'x'.repeat(129)]),
      Buffer.from(` ${JSON.stringify([key.placedAt, key.orderId])}`).toString('base64url'),
    ]) {
      expect(decodeCursor(tampered), tampered).toBeUndefined();
    }
  });
});

describe('the rows after a key, newest first', () => {
  it('are older placements, or the same placement with a lower order id, or not placed yet', () => {
    expect(afterKey(key)).toEqual({
      $or: [{ placedAt: { $lt: key.placedAt } }, { placedAt: key.placedAt, orderId: { $lt: 'o-1' } }, { placedAt: null }],
    });
  });

  it('after an unplaced row, are the unplaced rows with a lower order id', () => {
    expect(afterKey({ placedAt: null, orderId: 'o-5' })).toEqual({ placedAt: null, orderId: { $lt: 'o-5' } });
  });
});
