import { describe, expect, it } from 'vitest';
import { countOutcomes, expectedCharges, failuresOverlooked, outcomeOf, standingOf, stuckAfter } from './outcomes.ts';

const at = (second: number): string => new Date(Date.UTC(2026, 11, 1, 12, 0, second)).toISOString();
const timeline = (...steps: [string, number][]) => steps.map(([step, second]) => ({ step, at: at(second) }));

describe('where an accepted order stands', () => {
  it('is lost when the read model never showed it, stuck when it shows it short of a final state', () => {
    expect(standingOf(undefined)).toBe('lost');
    for (const status of ['PENDING', 'PLACED', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'PAYMENT_FAILED']) expect(standingOf({ status })).toBe('stuck');
    for (const status of ['CONFIRMED', 'REJECTED', 'CANCELLED']) expect(standingOf({ status })).toBe('final');
  });

  it('counts as stuck only once the deadline and the margin have passed since the fault or the last order, whichever is later', () => {
    expect(stuckAfter({ faultEndedAt: 1_000, loadEndedAt: 5_000, deadlineMs: 10_000, marginMs: 30_000 })).toBe(45_000);
    expect(stuckAfter({ faultEndedAt: 9_000, loadEndedAt: 5_000, deadlineMs: 10_000, marginMs: 30_000 })).toBe(49_000);
  });
});

describe('the charges a confirmed order should have', () => {
  it('expects one charge, and none for a zero total, which payments-service authorizes without the gateway', () => {
    expect(expectedCharges({ total: '7.5000' })).toBe(1);
    expect(expectedCharges({ total: '0.0001' })).toBe(1);
    expect(expectedCharges({ total: '0' })).toBe(0);
    expect(expectedCharges({ total: '0.0000' })).toBe(0);
  });
});

describe('how a final order ended', () => {
  const rejected = (reason: string | null, ...steps: [string, number][]) => ({ orderId: 'order-1', status: 'REJECTED', reason, timeline: timeline(...steps) });

  it("names a rejection by the saga's reason for it", () => {
    expect(outcomeOf(rejected('not enough stock for SKU-1'))).toBe('REJECTED: out of stock');
    expect(outcomeOf(rejected('payment failed (UPSTREAM_REJECTED): The gateway does not accept payments in XTS'))).toBe('REJECTED: payment failed');
    expect(outcomeOf(rejected('payment declined: AMOUNT_OVER_LIMIT'))).toBe('REJECTED: payment declined');
    expect(outcomeOf(rejected('stock reservation failed (STORE_UNAVAILABLE): down'))).toBe('REJECTED: stock failed');
    expect(outcomeOf(rejected('no outcome by the deadline at 2026-12-01T12:00:10.000Z'))).toBe('REJECTED: deadline');
    expect(outcomeOf(rejected('DEADLINE_EXCEEDED'))).toBe('REJECTED: deadline');
    expect(outcomeOf(rejected(null))).toBe('REJECTED: other');
    expect(outcomeOf({ status: 'CONFIRMED', reason: null })).toBe('CONFIRMED');
  });

  it('counts the orders of each outcome', () => {
    const confirmed = { status: 'CONFIRMED', reason: null };
    expect(countOutcomes([confirmed, rejected('not enough stock'), confirmed])).toEqual({ CONFIRMED: 2, 'REJECTED: out of stock': 1 });
  });

  it('flags an order rejected at its deadline well after its payment had failed, not one whose failure came late', () => {
    const deadline = 'no outcome by the deadline at 2026-12-01T12:00:10.000Z';
    const overlooked = rejected(deadline, ['PLACED', 0], ['STOCK_RESERVED', 1], ['PAYMENT_FAILED', 2], ['REJECTED', 10]);
    const lateFailure = { ...rejected(deadline, ['PLACED', 0], ['STOCK_RESERVED', 1], ['PAYMENT_FAILED', 8], ['REJECTED', 10]), orderId: 'order-2' };
    const neverFailed = { ...rejected(deadline, ['PLACED', 0], ['STOCK_RESERVED', 1], ['REJECTED', 10]), orderId: 'order-3' };
    const forTheFailure = { ...rejected('payment failed (UPSTREAM_REJECTED): no', ['PAYMENT_FAILED', 2], ['REJECTED', 9]), orderId: 'order-4' };
    expect(failuresOverlooked([overlooked, lateFailure, neverFailed, forTheFailure], 5_000)).toEqual(['order-1']);
  });
});
