import { describe, expect, it } from 'vitest';
import { countOutcomes, expectedCharges, outcomeOf, standingOf, stuckAfter } from './outcomes.ts';

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
  it('names a rejection by the step that came before it', () => {
    expect(outcomeOf({ status: 'REJECTED', timeline: timeline(['PLACED', 0], ['STOCK_REJECTED', 1], ['REJECTED', 2]) })).toBe('REJECTED: out of stock');
    expect(outcomeOf({ status: 'REJECTED', timeline: timeline(['PLACED', 0], ['STOCK_RESERVED', 1], ['PAYMENT_FAILED', 2], ['REJECTED', 2], ['STOCK_RELEASED', 3]) })).toBe('REJECTED: payment failed');
    expect(outcomeOf({ status: 'REJECTED', timeline: timeline(['PLACED', 0], ['STOCK_RESERVED', 1], ['PAYMENT_DECLINED', 2], ['REJECTED', 3]) })).toBe('REJECTED: payment declined');
  });

  it('puts a rejection no step explains, or one before the step failed, down to the deadline', () => {
    expect(outcomeOf({ status: 'REJECTED', timeline: timeline(['PLACED', 0], ['STOCK_RESERVED', 1], ['REJECTED', 10]) })).toBe('REJECTED: deadline');
    expect(outcomeOf({ status: 'REJECTED', timeline: timeline(['PLACED', 0], ['STOCK_RESERVED', 1], ['REJECTED', 10], ['PAYMENT_FAILED', 12]) })).toBe('REJECTED: deadline');
  });

  it('counts the orders of each outcome', () => {
    const confirmed = { status: 'CONFIRMED', timeline: timeline(['PLACED', 0], ['CONFIRMED', 1]) };
    const short = { status: 'REJECTED', timeline: timeline(['STOCK_REJECTED', 1], ['REJECTED', 2]) };
    expect(countOutcomes([confirmed, short, confirmed])).toEqual({ CONFIRMED: 2, 'REJECTED: out of stock': 1 });
  });
});
