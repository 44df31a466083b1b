import { describe, expect, it } from 'vitest';
import { decide, failsNow } from './decision.ts';

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
