import { describe, expect, it } from 'vitest';
import { evolveOrderView, finalOrderStatuses, openOrderStatuses, orderStatuses, type OrderEvent, type OrderView } from './index.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute));
const position = { topic: 'orders', partition: 0, offset: '0' };

const placed: OrderEvent = {
  ...position,
  eventType: 'OrderPlaced',
  payload: {
    orderId: 'o-1',
    customerId: 'c-1',
    currency: 'EUR',
    items: [
      { sku: 'A', quantity: 3, unitPrice: '0.1' },
      { sku: 'B', quantity: 1, unitPrice: '19.99' },
    ],
    placedAt: at(0),
    channel: 'WEB',
    promoCode: null,
  },
};
const reserved: OrderEvent = { ...position, topic: 'inventory', eventType: 'StockReserved', payload: { orderId: 'o-1', amount: '20.29', currency: 'EUR', customerId: 'c-1', items: [{ sku: 'A', quantity: 3 }], reservedAt: at(1) } };
const authorized: OrderEvent = {
  ...position,
  topic: 'payments',
  eventType: 'PaymentAuthorized',
  payload: { orderId: 'o-1', amount: '20.29', currency: 'EUR', authorizationId: 'auth-1', authorizedAt: at(2) },
};
const confirmed: OrderEvent = { ...position, eventType: 'OrderConfirmed', payload: { orderId: 'o-1', customerId: 'c-1', total: '20.29', currency: 'EUR', confirmedAt: at(3) } };

const fold = (events: OrderEvent[]): OrderView | null => events.reduce<OrderView | null>((view, event) => evolveOrderView(view, event), null);

const permutations = <T>(items: T[]): T[][] =>
  items.length <= 1 ? [items] : items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));

describe('the order view', () => {
  it('is created by OrderPlaced with exact line totals and a placed step in its timeline', () => {
    expect(fold([placed])).toMatchObject({
      orderId: 'o-1',
      status: 'PLACED',
      total: '20.29',
      items: [{ sku: 'A', lineTotal: '0.3' }, { sku: 'B', lineTotal: '19.99' }],
      timeline: [{ step: 'PLACED', at: '2026-03-01T10:00:00.000Z' }],
    });
  });

  it('follows an order to confirmed with every step timed', () => {
    const view = fold([placed, reserved, authorized, confirmed]);
    expect(view?.status).toBe('CONFIRMED');
    expect(view?.timeline.map((entry) => entry.step)).toEqual(['PLACED', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'CONFIRMED']);
  });

  it('reaches the same view whatever order the topics deliver the facts in', () => {
    const expected = fold([placed, reserved, authorized, confirmed]);
    for (const order of permutations([placed, reserved, authorized, confirmed])) {
      expect(fold(order)).toEqual(expected);
    }
  });

  it('is pending when a payment outcome arrives before the order itself', () => {
    const view = fold([authorized]);
    expect(view).toMatchObject({ orderId: 'o-1', status: 'PAYMENT_AUTHORIZED', customerId: null, placedAt: null });
    expect(fold([authorized, placed])?.customerId).toBe('c-1');
  });

  it('records short SKUs and the reason when stock is rejected and the order with it', () => {
    const view = fold([
      placed,
      { ...position, eventType: 'StockRejected', payload: { orderId: 'o-1', shortSkus: [{ sku: 'B', requested: 1, available: 0 }], rejectedAt: at(1) } },
      { ...position, eventType: 'OrderRejected', payload: { orderId: 'o-1', customerId: 'c-1', reason: 'OUT_OF_STOCK', detail: null, rejectedAt: at(2) } },
    ]);
    expect(view).toMatchObject({ status: 'REJECTED', reason: 'OUT_OF_STOCK', shortSkus: [{ sku: 'B', available: 0 }] });
  });

  it('shows a failed payment step and why, until the saga rejects the order', () => {
    const failed: OrderEvent = { ...position, topic: 'payments', eventType: 'PaymentFailed', payload: { orderId: 'o-1', errorCode: 'UPSTREAM_REJECTED', detail: 'gateway answered 400', deadLetterTopic: 'inventory.dlq', failedAt: at(2) } };
    expect(fold([placed, reserved, failed])).toMatchObject({ status: 'PAYMENT_FAILED', reason: 'UPSTREAM_REJECTED: gateway answered 400' });
    const rejected: OrderEvent = { ...position, eventType: 'OrderRejected', payload: { orderId: 'o-1', customerId: 'c-1', reason: 'STEP_FAILED', detail: 'payment failed', rejectedAt: at(3) } };
    expect(fold([placed, reserved, failed, rejected])).toMatchObject({ status: 'REJECTED', reason: 'payment failed' });
  });

  it('keeps the first OrderPlaced when a second one arrives', () => {
    const first = fold([placed]);
    const again = evolveOrderView(first, { ...placed, offset: '1', payload: { ...placed.payload, customerId: 'someone-else' } });
    expect(again).toEqual(first);
  });
});

describe('open and final statuses', () => {
  it('split every status in two: final once the order has its outcome, open until then', () => {
    expect(finalOrderStatuses).toEqual(['CONFIRMED', 'REJECTED', 'CANCELLED']);
    expect(openOrderStatuses).toEqual(['PENDING', 'PLACED', 'STOCK_RESERVED', 'STOCK_REJECTED', 'STOCK_FAILED', 'PAYMENT_AUTHORIZED', 'PAYMENT_DECLINED', 'PAYMENT_FAILED']);
    expect([...openOrderStatuses, ...finalOrderStatuses].sort()).toEqual([...orderStatuses].sort());
  });

  it('call a declined payment open until the saga rejects the order', () => {
    const declined: OrderEvent = { ...position, topic: 'payments', eventType: 'PaymentDeclined', payload: { orderId: 'o-1', amount: '20.29', currency: 'EUR', reason: 'DECLINED_BY_ISSUER', declinedAt: at(2) } };
    expect(openOrderStatuses).toContain(fold([placed, reserved, declined])?.status);
    expect(finalOrderStatuses).toContain(fold([placed, reserved, authorized, confirmed])?.status);
  });
});
