import { describe, expect, it } from 'vitest';
import { fingerprintOf, recall } from './idempotency.ts';

const request = { orderId: 'o-1', amount: '19.99', currency: 'EUR' };

describe('idempotency records', () => {
  it('treats the same amount written differently as the same request', () => {
    expect(fingerprintOf({ ...request, amount: '19.9900' })).toBe(fingerprintOf(request));
    expect(fingerprintOf({ ...request, amount: '19.98' })).not.toBe(fingerprintOf(request));
    expect(fingerprintOf({ ...request, currency: 'USD' })).not.toBe(fingerprintOf(request));
  });

  it('answers a new key as new, a repeat with the stored answer, and a different request as a conflict', () => {
    const record = { fingerprint: fingerprintOf(request), answer: 'first answer' };
    expect(recall(undefined, fingerprintOf(request))).toEqual({ kind: 'new' });
    expect(recall(record, fingerprintOf(request))).toEqual({ kind: 'replay', answer: 'first answer' });
    expect(recall(record, fingerprintOf({ ...request, orderId: 'o-2' }))).toEqual({ kind: 'conflict' });
  });
});
