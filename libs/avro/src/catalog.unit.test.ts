import { describe, expect, it } from 'vitest';
import { loadSchemaCatalog, validate } from './index.ts';

describe('the schema catalog', () => {
  const catalog = loadSchemaCatalog();

  it('loads every contract under schemas/avro with its stream, type and version', () => {
    const placed = catalog.get('OrderPlaced', 1);
    expect(placed).toMatchObject({ stream: 'orders', eventType: 'OrderPlaced', version: 1, fullName: 'io.tributary.orders.OrderPlaced' });
  });

  it('names the known event types when asked for an unknown one', () => {
    expect(() => catalog.get('OrderTeleported')).toThrowError(/known event types: .*OrderPlaced/);
  });

  it('encodes money exactly and decodes it back as text', () => {
    const { type } = catalog.get('OrderPlaced');
    const event = {
      orderId: 'o-1',
      customerId: 'c-1',
      currency: 'EUR',
      items: [{ sku: 'SKU-1', quantity: 3, unitPrice: '0.1' }],
      placedAt: new Date('2026-01-01T00:00:00Z'),
    };
    const decoded = type.fromBuffer(type.toBuffer(event)) as typeof event;
    expect(decoded.items[0]?.unitPrice).toBe('0.1');
    expect(decoded.placedAt.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('reports the path of every invalid field', () => {
    const { type } = catalog.get('OrderPlaced');
    const errors = validate(type, { orderId: 'o', customerId: 5, currency: 'EUR', items: [{ sku: 'a', quantity: 1.5, unitPrice: 'x' }], placedAt: new Date() });
    expect(errors.map((e) => e.field)).toEqual(['customerId', 'items[0].quantity', 'items[0].unitPrice']);
  });
});
