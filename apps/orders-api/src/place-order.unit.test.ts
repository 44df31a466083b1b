import { parseInput } from '@tributary/http';
import { describe, expect, it } from 'vitest';
import { orderPlaced, placeOrderCommand } from './place-order.ts';

const valid = { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 19.99 }] };

const fieldsOf = (body: unknown): string[] => {
  try {
    parseInput(placeOrderCommand, body);
    return [];
  } catch (error) {
    return ((error as { details: { fields: { field: string }[] } }).details.fields).map((f) => f.field);
  }
};

describe('POST /orders body', () => {
  it('accepts a valid order and keeps prices exact', () => {
    const command = parseInput(placeOrderCommand, { ...valid, items: [{ sku: 'A', quantity: 1, unitPrice: '0.1' }, { sku: 'B', quantity: 1, unitPrice: 19.99 }] });
    expect(command.items.map((line) => line.unitPrice)).toEqual(['0.1', '19.99']);
  });

  it('names each bad field', () => {
    expect(fieldsOf({ customerId: '', currency: 'euro', items: [{ sku: 'A', quantity: 0, unitPrice: '-1' }] })).toEqual([
      'customerId',
      'currency',
      'items[0].quantity',
      'items[0].unitPrice',
    ]);
  });

  it('refuses missing, extra and operator-shaped fields', () => {
    expect(fieldsOf({ currency: 'EUR', items: [] })).toEqual(['customerId', 'items']);
    expect(fieldsOf({ ...valid, admin: true })).toEqual(['admin']);
    expect(fieldsOf({ ...valid, customerId: { $gt: '' } })).toEqual(['customerId']);
  });

  it('refuses prices with more decimals than the contract holds', () => {
    expect(fieldsOf({ ...valid, items: [{ sku: 'A', quantity: 1, unitPrice: '1.00001' }] })).toEqual(['items[0].unitPrice']);
  });

  it('takes prices below 1000000, as strings or numbers a multiple of 0.0001 give or take their binary error', () => {
    const priceOf = (unitPrice: unknown) => parseInput(placeOrderCommand, { ...valid, items: [{ sku: 'A', quantity: 1, unitPrice }] }).items[0]?.unitPrice;
    expect([priceOf('999999.9999'), priceOf(999_999.9999), priceOf(3 * 0.0001), priceOf(0.1 + 0.2), priceOf('007.5')]).toEqual(['999999.9999', '999999.9999', '0.0003', '0.3', '7.5']);
    for (const unitPrice of ['1000000', 1_000_000, 0.00001, '1e3', ' 1', '-0', -1, '']) expect(fieldsOf({ ...valid, items: [{ sku: 'A', quantity: 1, unitPrice }] }), String(unitPrice)).toEqual(['items[0].unitPrice']);
  });

  it('maps a command to OrderPlaced', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(orderPlaced(parseInput(placeOrderCommand, valid), 'o-1', now)).toEqual({
      orderId: 'o-1',
      customerId: 'c-1',
      currency: 'EUR',
      items: [{ sku: 'SKU-1', quantity: 2, unitPrice: '19.99' }],
      placedAt: now,
      channel: 'WEB',
      promoCode: null,
    });
  });

  it('takes the channel and promotion code when given', () => {
    const command = parseInput(placeOrderCommand, { ...valid, channel: 'MOBILE', promoCode: 'SPRING-10' });
    expect(orderPlaced(command, 'o-1', new Date())).toMatchObject({ channel: 'MOBILE', promoCode: 'SPRING-10' });
    expect(fieldsOf({ ...valid, channel: 'FAX' })).toEqual(['channel']);
  });
});
