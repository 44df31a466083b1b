import { describe, expect, it } from 'vitest';
import { evolveOrderView, type OrderEvent } from './index.ts';

const orderPlaced = (offset = '0'): OrderEvent => ({
  topic: 'orders',
  partition: 0,
  offset,
  eventType: 'OrderPlaced',
  payload: {
    orderId: 'o-1',
    customerId: 'c-1',
    currency: 'EUR',
    items: [
      { sku: 'A', quantity: 3, unitPrice: '0.1' },
      { sku: 'B', quantity: 1, unitPrice: '19.99' },
    ],
    placedAt: new Date('2026-03-01T10:00:00Z'),
    channel: 'WEB',
    promoCode: null,
  },
});

describe('the order view', () => {
  it('is created by OrderPlaced with exact line totals and a placed step in its timeline', () => {
    const view = evolveOrderView(null, orderPlaced());
    expect(view).toMatchObject({
      orderId: 'o-1',
      status: 'PLACED',
      total: '20.29',
      items: [{ sku: 'A', lineTotal: '0.3' }, { sku: 'B', lineTotal: '19.99' }],
      timeline: [{ status: 'PLACED', at: '2026-03-01T10:00:00.000Z' }],
    });
  });

  it('keeps the first OrderPlaced when a second one arrives', () => {
    const first = evolveOrderView(null, orderPlaced());
    const second = orderPlaced('1');
    second.payload = { ...second.payload, customerId: 'someone-else' };
    expect(evolveOrderView(first, second)).toEqual(first);
  });
});
