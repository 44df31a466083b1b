import type { StockReserved } from '@tributary/contracts';
import { classify, TributaryError } from '@tributary/errors';
import type { ConsumedEvent } from '@tributary/kafka';
import { describe, expect, it } from 'vitest';
import { paymentFor, paymentOutcome } from './payment.ts';

const reserved = (payload: Partial<StockReserved> = {}, headers: Record<string, string> = { 'event-id': 'e-1', 'correlation-id': 'c-1' }): ConsumedEvent<StockReserved> => ({
  topic: 'inventory',
  partition: 2,
  offset: '41',
  key: 'o-1',
  timestamp: '0',
  headers,
  event: {
    eventType: 'StockReserved',
    fullName: 'io.tributary.inventory.StockReserved',
    schemaId: 1,
    payload: { orderId: 'o-1', items: [{ sku: 'SKU-1', quantity: 1 }], amount: '19.99', currency: 'EUR', customerId: 'c-1', reservedAt: new Date(0), ...payload },
  },
});

const now = new Date('2025-01-01T00:00:00Z');

describe('paymentFor', () => {
  it('charges the amount and currency the reservation carries', () => {
    expect(paymentFor(reserved()).request).toEqual({ orderId: 'o-1', amount: '19.99', currency: 'EUR' });
  });

  it('refuses a version 1 reservation with a reason, so it is dead-lettered rather than retried', () => {
    const attempt = () => paymentFor(reserved({ amount: null, currency: null, customerId: null }));
    expect(attempt).toThrowError(TributaryError);
    expect(attempt).toThrowError(/order o-1 carries no amount or currency \(written before version 2\)/);
    try {
      attempt();
    } catch (error) {
      expect(classify(error)).toBe('deadLetter');
    }
  });
});

describe('paymentOutcome', () => {
  it('produces PaymentAuthorized or PaymentDeclined keyed by the order, caused by the reservation', () => {
    const payment = paymentFor(reserved());
    const authorized = paymentOutcome(payment, { status: 'AUTHORIZED', authorizationId: 'a-1' }, now);
    expect(authorized).toMatchObject({
      key: 'o-1',
      eventType: 'PaymentAuthorized',
      payload: { orderId: 'o-1', amount: '19.99', currency: 'EUR', authorizationId: 'a-1', authorizedAt: now },
      context: { correlationId: 'c-1', causationId: 'e-1' },
    });
    const declined = paymentOutcome(payment, { status: 'DECLINED', reason: 'AMOUNT_OVER_LIMIT' }, now);
    expect(declined).toMatchObject({ eventType: 'PaymentDeclined', payload: { reason: 'AMOUNT_OVER_LIMIT', declinedAt: now } });
  });

  it('gives the same event id every time the same reservation is handled', () => {
    const answer = { status: 'AUTHORIZED', authorizationId: 'a-1' } as const;
    const first = paymentOutcome(paymentFor(reserved()), answer, now);
    const again = paymentOutcome(paymentFor(reserved()), answer, new Date());
    const other = paymentOutcome(paymentFor(reserved({}, { 'event-id': 'e-2' })), answer, now);
    expect(again.context?.eventId).toBe(first.context?.eventId);
    expect(other.context?.eventId).not.toBe(first.context?.eventId);
  });
});
