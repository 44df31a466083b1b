import { describe, expect, it } from 'vitest';
import { decide, failsNow, refusalOf, rollOfKey } from './decision.ts';

const behaviour = { declineAbove: '100.00', declineRate: 0.25 };

describe('decide', () => {
  it('declines amounts above the limit, comparing exact decimals', () => {
    expect(decide('100.0001', behaviour, 0.9)).toEqual({ status: 'DECLINED', reason: 'AMOUNT_OVER_LIMIT' });
    expect(decide('100', behaviour, 0.9)).toEqual({ status: 'AUTHORIZED' });
    expect(decide('99.9999', behaviour, 0.9)).toEqual({ status: 'AUTHORIZED' });
  });

  it('declines the configured share at random below the limit', () => {
    expect(decide('10', behaviour, 0.2)).toEqual({ status: 'DECLINED', reason: 'DECLINED_BY_ISSUER' });
    expect(decide('10', behaviour, 0.25)).toEqual({ status: 'AUTHORIZED' });
    expect(decide('10', { declineAbove: '100', declineRate: 0 }, 0)).toEqual({ status: 'AUTHORIZED' });
  });
});

describe('failsNow', () => {
  it('fails the configured share of requests, none at 0 and all at 1', () => {
    expect(failsNow({ failureRate: 0 }, 0)).toBe(false);
    expect(failsNow({ failureRate: 1 }, 0.9999)).toBe(true);
    expect(failsNow({ failureRate: 0.5 }, 0.4)).toBe(true);
    expect(failsNow({ failureRate: 0.5 }, 0.5)).toBe(false);
  });
});

describe('refusalOf', () => {
  const none = { refusedCurrencies: [], rejectRate: 0 };

  it('refuses a refused currency whatever the key, and the share of keys below the reject rate', () => {
    expect(refusalOf({ currency: 'XTS' }, { ...none, refusedCurrencies: ['XTS'] }, 0.99)).toBe('CURRENCY_REFUSED');
    expect(refusalOf({ currency: 'EUR' }, { ...none, refusedCurrencies: ['XTS'] }, 0)).toBeUndefined();
    expect(refusalOf({ currency: 'EUR' }, { ...none, rejectRate: 0.2 }, 0.19)).toBe('REFUSED_BY_NETWORK');
    expect(refusalOf({ currency: 'EUR' }, { ...none, rejectRate: 0.2 }, 0.2)).toBeUndefined();
    expect(refusalOf({ currency: 'EUR' }, { ...none, rejectRate: 1 }, 0.9999)).toBe('REFUSED_BY_NETWORK');
  });

  it('gives each key one fixed roll in [0, 1)', () => {
    expect(rollOfKey('order-1')).toBe(rollOfKey('order-1'));
    expect(rollOfKey('order-1')).not.toBe(rollOfKey('order-2'));
    const rolls = Array.from({ length: 200 }, (_, n) => rollOfKey(`k-${n}`));
    expect(rolls.every((roll) => roll >= 0 && roll < 1)).toBe(true);
  });
});
