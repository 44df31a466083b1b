import { describe, expect, it } from 'vitest';
import { foldDocument } from '@tributary/store';
import { customerSummaryProjection, evolveCustomerSummary, ordersOf, type CustomerSummary, type OrderEvent } from './index.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute));
let nextOffset = 0;
const onOrders = () => ({ topic: 'orders', partition: 0, offset: String((nextOffset += 1)) });

const placed = (orderId: string, minute: number, unitPrice = '6', currency = 'EUR'): OrderEvent => ({
  ...onOrders(),
  eventType: 'OrderPlaced',
  payload: { orderId, customerId: 'c-1', currency, items: [{ sku: 'A', quantity: 2, unitPrice }], placedAt: at(minute), channel: 'WEB', promoCode: null },
});
const confirmed = (orderId: string, minute: number, total = '12', currency = 'EUR'): OrderEvent => ({
  ...onOrders(),
  eventType: 'OrderConfirmed',
  payload: { orderId, customerId: 'c-1', total, currency, confirmedAt: at(minute) },
});
const rejected = (orderId: string, minute: number): OrderEvent => ({
  ...onOrders(),
  eventType: 'OrderRejected',
  payload: { orderId, customerId: 'c-1', reason: 'OUT_OF_STOCK', detail: null, rejectedAt: at(minute) },
});
const cancelled = (orderId: string, minute: number): OrderEvent => ({
  ...onOrders(),
  eventType: 'OrderCancelled',
  payload: { orderId, customerId: 'c-1', reason: null, cancelledAt: at(minute) },
});

const fold = (events: OrderEvent[]): CustomerSummary | null => events.reduce<CustomerSummary | null>((summary, event) => evolveCustomerSummary(summary, event), null);

const permutations = <T>(items: T[]): T[][] =>
  items.length <= 1 ? [items] : items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));

describe('the customer summary', () => {
  it('counts a placed order with its total under its currency', () => {
    expect(fold([placed('o-1', 0, '0.125')])).toEqual({
      customerId: 'c-1',
      orderCount: 1,
      byStatus: { PLACED: { count: 1, totals: { EUR: '0.25' } } },
      updatedAt: '2026-03-01T10:00:00.000Z',
      ledger: '[["o-1","PLACED","0.25","EUR"]]',
    });
  });

  it('moves an order from placed to confirmed, counting it once', () => {
    const summary = fold([placed('o-1', 0), placed('o-2', 1), confirmed('o-1', 2)]);
    expect(summary).toMatchObject({
      orderCount: 2,
      byStatus: { PLACED: { count: 1, totals: { EUR: '12' } }, CONFIRMED: { count: 1, totals: { EUR: '12' } } },
      updatedAt: '2026-03-01T10:02:00.000Z',
    });
  });

  it('sums exactly, apart per status and currency', () => {
    const summary = fold([placed('o-1', 0, '0.1'), placed('o-2', 1, '0.2'), placed('o-3', 2, '1000000000.0001', 'USD'), placed('o-4', 3, '5', 'USD'), cancelled('o-4', 4)]);
    expect(summary?.byStatus).toEqual({
      PLACED: { count: 3, totals: { EUR: '0.6', USD: '2000000000.0002' } },
      CANCELLED: { count: 1, totals: { USD: '10' } },
    });
  });

  it('ranks cancelled over rejected over confirmed over placed', () => {
    expect(ordersOf(fold([placed('o-1', 0), confirmed('o-1', 1), cancelled('o-1', 2)]))[0]?.status).toBe('CANCELLED');
    expect(ordersOf(fold([cancelled('o-1', 2), rejected('o-1', 1), confirmed('o-1', 1)]))[0]?.status).toBe('CANCELLED');
    expect(ordersOf(fold([confirmed('o-1', 1), rejected('o-1', 1)]))[0]?.status).toBe('REJECTED');
    expect(ordersOf(fold([confirmed('o-1', 1), placed('o-1', 0)]))[0]?.status).toBe('CONFIRMED');
  });

  it('reaches the same summary whatever order the events arrive in', () => {
    const events = [placed('o-1', 0), confirmed('o-1', 1, '12'), placed('o-2', 2, '3.5', 'USD'), cancelled('o-2', 3), placed('o-3', 4)];
    const expected = fold(events);
    for (const order of permutations(events)) expect(fold(order)).toEqual(expected);
    expect(expected?.byStatus).toEqual({ PLACED: { count: 1, totals: { EUR: '12' } }, CONFIRMED: { count: 1, totals: { EUR: '12' } }, CANCELLED: { count: 1, totals: { USD: '7' } } });
  });

  it('takes the amount charged over the amount ordered, whichever arrives first', () => {
    expect(fold([placed('o-1', 0, '6'), confirmed('o-1', 1, '11.5')])?.byStatus).toEqual({ CONFIRMED: { count: 1, totals: { EUR: '11.5' } } });
    expect(fold([confirmed('o-1', 1, '11.5'), placed('o-1', 0, '6')])?.byStatus).toEqual({ CONFIRMED: { count: 1, totals: { EUR: '11.5' } } });
  });

  it('counts an order known only from its rejection, adding its amount once OrderPlaced arrives', () => {
    expect(fold([rejected('o-1', 1)])).toMatchObject({ orderCount: 1, byStatus: { REJECTED: { count: 1, totals: {} } } });
    expect(fold([rejected('o-1', 1), placed('o-1', 0)])).toMatchObject({ orderCount: 1, byStatus: { REJECTED: { count: 1, totals: { EUR: '12' } } } });
  });

  it('changes nothing when the same events are delivered again', () => {
    const events = [placed('o-1', 0), confirmed('o-1', 1)];
    expect(fold([...events, ...events])).toEqual(fold(events));
  });

  it('recognises redelivered events by their positions and leaves the stored summary as it was', () => {
    const events = [placed('o-1', 0), confirmed('o-1', 1)];
    const once = foldDocument({ id: 'c-1', view: null, positions: [], version: 0 }, events, customerSummaryProjection);
    const again = foldDocument(once.next, events, customerSummaryProjection);
    expect(again).toEqual({ next: once.next, applied: 0, duplicates: 2 });
  });

  it('ignores events that do not name a customer', () => {
    const released: OrderEvent = { ...onOrders(), topic: 'inventory', eventType: 'StockReleased', payload: { orderId: 'o-1', items: [], releasedAt: at(5) } };
    const summary = fold([placed('o-1', 0)]);
    expect(customerSummaryProjection.documentId(released)).toBeUndefined();
    expect(evolveCustomerSummary(summary, released)).toBe(summary);
  });

  it('keeps one entry per order, sorted by order id, in its ledger', () => {
    expect(ordersOf(fold([placed('o-2', 0), rejected('o-1', 1), confirmed('o-2', 2, '11.5')]))).toEqual([
      { orderId: 'o-1', status: 'REJECTED', total: null, currency: null },
      { orderId: 'o-2', status: 'CONFIRMED', total: '11.5', currency: 'EUR' },
    ]);
  });

  it('goes on from a summary stored with its entries as an array, and packs them on the next write', () => {
    const { ledger, ...earlier } = fold([placed('o-1', 0)]) as CustomerSummary;
    const stored = { ...earlier, orders: ordersOf({ ...earlier, ledger }) } as unknown as CustomerSummary;
    const next = evolveCustomerSummary(stored, confirmed('o-1', 1));
    expect(next).toEqual(fold([placed('o-1', 0), confirmed('o-1', 1)]));
    expect(next).not.toHaveProperty('orders');
  });

  it('names the way out when a stored ledger is not one', () => {
    const summary = { ...(fold([placed('o-1', 0)]) as CustomerSummary), ledger: '[["o-1","SHIPPED",null,null]]' };
    expect(() => evolveCustomerSummary(summary, confirmed('o-1', 1))).toThrow(/customer c-1 has a ledger that is not a list.*tributary replay customer-summaries/);
    expect(() => evolveCustomerSummary({ ...summary, ledger: '[' }, confirmed('o-1', 1))).toThrow(/is not JSON/);
  });

  it('is keyed by customer id', () => {
    expect(customerSummaryProjection.documentId(placed('o-1', 0))).toBe('c-1');
  });
});
