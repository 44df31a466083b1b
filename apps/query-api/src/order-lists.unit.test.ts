import { orderViewIndexes } from '@tributary/order-views';
import { describe, expect, it } from 'vitest';
import { pastCursor, statusFilter } from './order-lists.ts';

const open = ['PENDING', 'PLACED', 'STOCK_RESERVED', 'STOCK_REJECTED', 'STOCK_FAILED', 'PAYMENT_AUTHORIZED', 'PAYMENT_DECLINED', 'PAYMENT_FAILED'];
const before = '2026-05-01T09:00:00.000Z';

describe('the filter of orders by status', () => {
  it('is the status alone when no time is given', () => {
    expect(statusFilter({ status: 'CONFIRMED' })).toEqual({ status: 'CONFIRMED' });
  });

  it('takes open as every status that is not final', () => {
    expect(statusFilter({ status: 'open' })).toEqual({ status: { $in: open } });
  });

  it('keeps orders placed before the time, which leaves out those not placed yet', () => {
    expect(statusFilter({ status: 'open', placedBefore: before })).toEqual({ status: { $in: open }, placedAt: { $lt: before } });
  });

  it('constrains the leading fields of an index, in its order', () => {
    const fields = Object.keys(statusFilter({ status: 'open', placedBefore: before }));
    const index = orderViewIndexes.find((candidate) => Object.keys(candidate.key).slice(0, fields.length).join() === fields.join());
    expect(index?.name).toBe('status_newest_first');
  });
});

describe('a filter past a cursor', () => {
  it('adds the rows after the key beside the filter', () => {
    expect(pastCursor({ status: 'PLACED' }, { placedAt: before, orderId: 'o-1' })).toEqual({
      status: 'PLACED',
      $or: [{ placedAt: { $lt: before } }, { placedAt: before, orderId: { $lt: 'o-1' } }, { placedAt: null }],
    });
    expect(pastCursor({ status: 'PLACED' }, undefined)).toEqual({ status: 'PLACED' });
  });

  it('keeps both conditions on the placement time when each has one', () => {
    const filter = statusFilter({ status: 'open', placedBefore: before });
    expect(pastCursor(filter, { placedAt: null, orderId: 'o-5' })).toEqual({ $and: [filter, { placedAt: null, orderId: { $lt: 'o-5' } }] });
  });
});
