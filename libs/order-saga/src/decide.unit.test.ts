import { describe, expect, it } from 'vitest';
import { decide } from './decide.ts';
import { factOf, type SagaEvent, type SagaFacts } from './facts.ts';

const at = new Date('2026-01-01T10:00:00Z');
const now = new Date('2026-01-01T10:00:05Z');

const placed: SagaEvent = {
  eventType: 'OrderPlaced',
  payload: { orderId: 'o-1', customerId: 'c-1', currency: 'EUR', items: [{ sku: 'A', quantity: 3, unitPrice: '0.1000' }, { sku: 'B', quantity: 1, unitPrice: '19.9900' }], placedAt: at, channel: 'WEB', promoCode: null },
};
const reserved: SagaEvent = { eventType: 'StockReserved', payload: { orderId: 'o-1', amount: '20.2900', currency: 'EUR', customerId: 'c-1', items: [], reservedAt: at } };
const reservedV1: SagaEvent = { eventType: 'StockReserved', payload: { orderId: 'o-1', amount: null, currency: null, customerId: null, items: [], reservedAt: at } };
const stockRejected: SagaEvent = { eventType: 'StockRejected', payload: { orderId: 'o-1', shortSkus: [{ sku: 'B', requested: 1, available: 0 }], rejectedAt: at } };
const authorized: SagaEvent = { eventType: 'PaymentAuthorized', payload: { orderId: 'o-1', amount: '20.2900', currency: 'EUR', authorizationId: 'auth-1', authorizedAt: at } };
const declined: SagaEvent = { eventType: 'PaymentDeclined', payload: { orderId: 'o-1', amount: '20.2900', currency: 'EUR', reason: 'AMOUNT_OVER_LIMIT', declinedAt: at } };
const cancelled: SagaEvent = { eventType: 'OrderCancelled', payload: { orderId: 'o-1', customerId: 'c-1', reason: null, cancelledAt: at } };

/** Facts after the events, in the given order, as the store would merge them. */
const factsAfter = (...events: SagaEvent[]): SagaFacts => Object.assign({ orderId: 'o-1' }, ...events.map(factOf)) as SagaFacts;

describe('the saga decision', () => {
  it('computes the order total exactly from its lines', () => {
    expect(factOf(placed)).toEqual({ placed: { customerId: 'c-1', currency: 'EUR', total: '20.29', at } });
  });

  it('confirms once payment is authorized, whichever stream arrived first', () => {
    const expected = { eventType: 'OrderConfirmed', payload: { orderId: 'o-1', customerId: 'c-1', total: '20.2900', currency: 'EUR', confirmedAt: now } };
    expect(decide(factsAfter(placed, reserved, authorized), now)).toEqual(expected);
    expect(decide(factsAfter(authorized, reserved, placed), now)).toEqual(expected);
    // StockReserved v2 names the customer, so the saga need not wait for OrderPlaced.
    expect(decide(factsAfter(reserved, authorized), now)).toEqual(expected);
  });

  it('waits while a needed fact is missing', () => {
    expect(decide(factsAfter(placed), now)).toBeUndefined();
    expect(decide(factsAfter(placed, reserved), now)).toBeUndefined();
    // Who to confirm for is unknown until OrderPlaced (an old StockReserved does not say).
    expect(decide(factsAfter(reservedV1, authorized), now)).toBeUndefined();
    expect(decide(factsAfter(stockRejected), now)).toBeUndefined();
  });

  it('rejects for stock with the short SKUs, and for a declined payment with its reason', () => {
    expect(decide(factsAfter(placed, stockRejected), now)).toEqual({
      eventType: 'OrderRejected',
      payload: { orderId: 'o-1', customerId: 'c-1', reason: 'OUT_OF_STOCK', detail: 'not enough stock for B', rejectedAt: now },
    });
    expect(decide(factsAfter(placed, reserved, declined), now)).toMatchObject({ eventType: 'OrderRejected', payload: { reason: 'PAYMENT_DECLINED', detail: 'payment declined: AMOUNT_OVER_LIMIT' } });
  });

  it('adds nothing to a cancelled order, even when its payment is authorized later', () => {
    expect(decide(factsAfter(placed, reserved, cancelled, authorized), now)).toBeUndefined();
  });

  it('rejects at once for a failed step, and for a passed deadline unless something else already rules the order out', () => {
    const paymentFailed: SagaEvent = { eventType: 'PaymentFailed', payload: { orderId: 'o-1', errorCode: 'UPSTREAM_REJECTED', detail: 'gateway answered 400', deadLetterTopic: 'inventory.dlq', failedAt: at } };
    const stockFailed: SagaEvent = { eventType: 'StockReservationFailed', payload: { orderId: 'o-1', errorCode: 'VALIDATION_FAILED', detail: 'bad line', deadLetterTopic: 'orders.dlq', failedAt: at } };
    const deadline: SagaEvent = { eventType: 'OrderDeadlinePassed', payload: { orderId: 'o-1', placedAt: at, deadlineAt: now } };
    expect(decide(factsAfter(placed, reserved, paymentFailed), now)).toMatchObject({ eventType: 'OrderRejected', payload: { reason: 'STEP_FAILED', detail: 'payment failed (UPSTREAM_REJECTED): gateway answered 400' } });
    expect(decide(factsAfter(placed, stockFailed), now)).toMatchObject({ eventType: 'OrderRejected', payload: { reason: 'STEP_FAILED' } });
    expect(decide(factsAfter(placed, reserved, deadline), now)).toMatchObject({ eventType: 'OrderRejected', payload: { reason: 'DEADLINE_EXCEEDED' } });
    // Seen together, the deadline outranks a payment authorized in the same moment.
    expect(decide(factsAfter(placed, reserved, authorized, deadline), now)).toMatchObject({ eventType: 'OrderRejected', payload: { reason: 'DEADLINE_EXCEEDED' } });
    expect(decide(factsAfter(placed, stockRejected, deadline), now)).toMatchObject({ payload: { reason: 'OUT_OF_STOCK' } });
    expect(decide(factsAfter(placed, cancelled, deadline), now)).toBeUndefined();
  });
});
