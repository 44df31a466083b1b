import type { OrderPlaced } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import {
  decideReservation,
  openReservation,
  orderAmount,
  orderLines,
  placedOutcome,
  releaseAction,
  releasedOutcome,
  releasing,
  shouldConfirm,
  unfinishedStep,
  type Reservation,
} from './reservation.ts';

const placedAt = new Date('2026-01-01T00:00:00Z');
const decidedAt = new Date('2026-01-01T00:00:01Z');
const later = new Date('2026-01-01T00:00:02Z');

const order = (items: OrderPlaced['items']): OrderPlaced => ({ orderId: 'o-1', customerId: 'c-1', currency: 'EUR', items, placedAt, channel: 'WEB', promoCode: null });

const opened = openReservation(
  order([
    { sku: 'A', quantity: 3, unitPrice: '0.1' },
    { sku: 'B', quantity: 1, unitPrice: '19.99' },
  ]),
  'placed-event',
);
const reserved: Reservation = { ...opened, ...decideReservation([], decidedAt) };

describe('an order\'s lines and amount', () => {
  it('adds up quantity times unit price exactly', () => {
    expect(opened.amount).toBe('20.29');
    expect(orderAmount('o', [{ sku: 'A', quantity: 1_000_000, unitPrice: '0.0001' }])).toBe('100');
    expect(orderAmount('o', [])).toBe('0');
  });

  it('refuses a total the StockReserved amount cannot carry', () => {
    expect(() => orderAmount('o', [{ sku: 'A', quantity: 1_000_000, unitPrice: '99999999999999' }])).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('merges lines naming the same SKU, keeping the order of first mention', () => {
    expect(orderLines('o', [
      { sku: 'B', quantity: 1, unitPrice: '1' },
      { sku: 'A', quantity: 2, unitPrice: '1' },
      { sku: 'B', quantity: 4, unitPrice: '2' },
    ])).toEqual([{ sku: 'B', quantity: 5 }, { sku: 'A', quantity: 2 }]);
  });

  it('refuses a line of zero or negative quantity, which would add stock', () => {
    for (const quantity of [0, -2]) expect(() => orderLines('o', [{ sku: 'A', quantity, unitPrice: '1' }])).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('opens a reservation as an intent: pending, with the order\'s lines and who placed it', () => {
    expect(opened).toMatchObject({ orderId: 'o-1', customerId: 'c-1', currency: 'EUR', status: 'PENDING', placedBy: 'placed-event', lines: [{ sku: 'A', quantity: 3 }, { sku: 'B', quantity: 1 }] });
    expect(placedOutcome(opened)).toBeUndefined();
  });
});

describe('the answer to OrderPlaced', () => {
  it('reserves when no line is short, with amount, currency and customer', () => {
    expect(placedOutcome(reserved)).toEqual({
      eventType: 'StockReserved',
      cause: 'placed-event',
      occurredAt: decidedAt,
      payload: { orderId: 'o-1', items: [{ sku: 'A', quantity: 3 }, { sku: 'B', quantity: 1 }], amount: '20.29', currency: 'EUR', customerId: 'c-1', reservedAt: decidedAt },
    });
  });

  it('rejects naming every short line, once the taken lines are given back', () => {
    const shortSkus = [{ sku: 'B', requested: 1, available: 0 }];
    const rejecting: Reservation = { ...opened, ...decideReservation(shortSkus, decidedAt) };
    expect(rejecting.status).toBe('REJECTING');
    expect(unfinishedStep(rejecting.status)).toEqual({ step: 'giveBack', then: 'REJECTED' });
    expect(placedOutcome(rejecting)).toBeUndefined();
    expect(placedOutcome({ ...rejecting, status: 'REJECTED' })).toEqual({
      eventType: 'StockRejected',
      cause: 'placed-event',
      occurredAt: decidedAt,
      payload: { orderId: 'o-1', shortSkus, rejectedAt: decidedAt },
    });
  });

  it('answers a reservation released or confirmed since with the same StockReserved', () => {
    for (const status of ['RELEASING', 'RELEASED', 'CONFIRMING', 'CONFIRMED'] as const) {
      expect(placedOutcome({ ...reserved, status })).toEqual(placedOutcome(reserved));
    }
  });

  it('answers nothing for an order cancelled before it was decided', () => {
    const abandoned = { ...opened, ...releasing(opened, 'cancel-event', later), status: 'RELEASED' as const };
    expect(placedOutcome(abandoned)).toBeUndefined();
    expect(releasedOutcome(abandoned)).toBeUndefined();
  });
});

describe('releasing and confirming', () => {
  it('releases a held reservation and announces it, caused by the releasing event', () => {
    expect(releaseAction(reserved, 'cancel-event')).toBe('release');
    const released: Reservation = { ...reserved, ...releasing(reserved, 'cancel-event', later) };
    expect(released).toMatchObject({ status: 'RELEASING', releasedBy: 'cancel-event', releaseAnnounced: true });
    expect(unfinishedStep(released.status)).toEqual({ step: 'giveBack', then: 'RELEASED' });
    expect(releasedOutcome({ ...released, status: 'RELEASED' })).toEqual({
      eventType: 'StockReleased',
      cause: 'cancel-event',
      occurredAt: later,
      payload: { orderId: 'o-1', items: [{ sku: 'A', quantity: 3 }, { sku: 'B', quantity: 1 }], releasedAt: later },
    });
  });

  it('announces a release again only to a redelivery of the event that released it', () => {
    const released: Reservation = { ...reserved, ...releasing(reserved, 'cancel-event', later), status: 'RELEASED' };
    expect(releaseAction(released, 'cancel-event')).toBe('announceAgain');
    expect(releaseAction(released, 'rejected-event')).toBe('nothing');
  });

  it('has nothing to release for an order never reserved, rejected for stock, or confirmed', () => {
    expect(releaseAction(undefined, 'e')).toBe('nothing');
    expect(releaseAction({ ...opened, ...decideReservation([{ sku: 'A', requested: 3, available: 0 }], decidedAt), status: 'REJECTED' }, 'e')).toBe('nothing');
    expect(releaseAction({ ...reserved, status: 'CONFIRMED' }, 'e')).toBe('nothing');
  });

  it('abandons a reservation cancelled while still pending, without announcing it', () => {
    expect(releaseAction(opened, 'cancel-event')).toBe('abandon');
    expect(releasing(opened, 'cancel-event', later).releaseAnnounced).toBe(false);
  });

  it('confirms only a held reservation, dropping its holds', () => {
    expect(shouldConfirm(reserved)).toBe(true);
    for (const status of ['PENDING', 'REJECTED', 'RELEASED', 'CONFIRMED'] as const) expect(shouldConfirm({ ...reserved, status })).toBe(false);
    expect(shouldConfirm(undefined)).toBe(false);
    expect(unfinishedStep('CONFIRMING')).toEqual({ step: 'dropHold', then: 'CONFIRMED' });
  });
});
