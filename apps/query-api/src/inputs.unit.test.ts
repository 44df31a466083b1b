import { describe, expect, it } from 'vitest';
import { encodeCursor } from './cursor.ts';
import { customerOrdersQuery, customerPath, noQuery, ordersByStatusQuery } from './inputs.ts';

/** Each bad field and its message, as a 400 answer names them (unknown keys one by one). */
const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string; code?: string; keys?: string[] }[] } }) =>
  result.error?.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? (issue.keys ?? []).map((key) => [key, issue.message]) : [[issue.path.join('.'), issue.message]]));

describe('query inputs', () => {
  it('default to 20 rows from the start', () => {
    expect(customerOrdersQuery.parse({})).toEqual({ limit: 20 });
  });

  it('take a limit from 1 to 100 and an issued cursor', () => {
    const cursor = encodeCursor({ placedAt: '2026-03-01T10:00:00.000Z', orderId: 'o-1' });
    expect(ordersByStatusQuery.parse({ status: 'CONFIRMED', limit: '100', cursor })).toEqual({
      status: 'CONFIRMED',
      limit: 100,
      cursor: { placedAt: '2026-03-01T10:00:00.000Z', orderId: 'o-1' },
    });
    for (const limit of ['0', '101', '-1', '1.5', '1e2', ' 5', '']) expect(customerOrdersQuery.safeParse({ limit }).success, limit).toBe(false);
  });

  it('accept only one plain string per parameter, whatever a query parser made of the input', () => {
    for (const status of [{ $gt: '' }, ['CONFIRMED', 'PLACED'], '{"$gt":""}', 'confirmed', 1]) {
      expect(issues(ordersByStatusQuery.safeParse({ status }))?.[0]?.[0]).toBe('status');
    }
    expect(issues(customerOrdersQuery.safeParse({ cursor: { $ne: null } }))).toEqual([['cursor', 'must be given once, as plain text']]);
  });

  it('name every parameter the query does not take', () => {
    expect(issues(ordersByStatusQuery.safeParse({ status: 'PLACED', 'status[$gt]': '', sort: 'x' }))).toEqual([
      ['status[$gt]', 'is not a parameter of this query (it takes status, placedBefore, limit, cursor)'],
      ['sort', 'is not a parameter of this query (it takes status, placedBefore, limit, cursor)'],
    ]);
    expect(noQuery.safeParse({ x: '1' }).success).toBe(false);
    expect(noQuery.safeParse({}).success).toBe(true);
  });

  it('list the statuses when the status is not one of them', () => {
    expect(issues(ordersByStatusQuery.safeParse({ status: 'SHIPPED' }))?.[0]?.[1]).toBe(
      'must be one of PENDING, PLACED, STOCK_RESERVED, STOCK_REJECTED, STOCK_FAILED, PAYMENT_AUTHORIZED, PAYMENT_DECLINED, PAYMENT_FAILED, CONFIRMED, REJECTED, CANCELLED, or open (any status but CONFIRMED, REJECTED, CANCELLED)',
    );
    for (const status of ['OPEN', 'Open', 'opened']) expect(ordersByStatusQuery.safeParse({ status }).success, status).toBe(false);
  });

  it('take open as a status: every status that is not final', () => {
    expect(ordersByStatusQuery.parse({ status: 'open' })).toEqual({ status: 'open', limit: 20 });
  });

  it('take placedBefore as an ISO-8601 time with a zone, brought to UTC milliseconds', () => {
    expect(ordersByStatusQuery.parse({ status: 'PLACED', placedBefore: '2026-05-01T09:00:00Z' })).toEqual({ status: 'PLACED', placedBefore: '2026-05-01T09:00:00.000Z', limit: 20 });
    expect(ordersByStatusQuery.parse({ status: 'open', placedBefore: '2026-05-01T11:30:00.25+02:00' })).toMatchObject({ placedBefore: '2026-05-01T09:30:00.250Z' });
    expect(ordersByStatusQuery.parse({ status: 'open', placedBefore: '2026-05-01T09:00:00.123456Z' })).toMatchObject({ placedBefore: '2026-05-01T09:00:00.123Z' });
  });

  it('refuse a placedBefore that is not one ISO-8601 time with a zone', () => {
    const message = 'must be an ISO-8601 time with a zone, such as 2026-05-01T09:00:00Z';
    for (const placedBefore of ['yesterday', '2026-05-01', '2026-05-01T09:00:00', '2026-02-30T00:00:00Z', '2026-05-01T24:00:00Z', '1714554000000', '', ' 2026-05-01T09:00:00Z']) {
      expect(issues(ordersByStatusQuery.safeParse({ status: 'open', placedBefore })), placedBefore).toEqual([['placedBefore', message]]);
    }
    expect(issues(ordersByStatusQuery.safeParse({ status: 'open', placedBefore: ['2026-05-01T09:00:00Z', '2026-05-02T09:00:00Z'] }))).toEqual([
      ['placedBefore', 'must be given once, as plain text'],
    ]);
    expect(issues(ordersByStatusQuery.safeParse({ status: 'open', placedBefore: { $gt: '' } }))?.[0]?.[0]).toBe('placedBefore');
  });

  it('take ids of a plain alphabet only', () => {
    expect(customerPath.safeParse({ id: 'c-1:eu.2_x' }).success).toBe(true);
    for (const id of ['{"$gt":""}', '', 'a/b', 'a b', 'x'.repeat(129), { $gt: '' }]) expect(customerPath.safeParse({ id }).success).toBe(false);
  });
});
