import { loadSchemaCatalog } from '@tributary/avro';
import { describe, expect, it } from 'vitest';
import { defaultKeyField, prepareRecords } from './json-lines.ts';

const entry = loadSchemaCatalog().get('OrderPlaced');
const line = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ orderId: 'o-1', customerId: 'c-1', currency: 'EUR', items: [{ sku: 'A', quantity: 1, unitPrice: '2.50' }], placedAt: '2026-01-01T00:00:00Z', ...overrides });

describe('preparing JSON lines for produce', () => {
  it('keys records by orderId unless told otherwise', () => {
    expect(defaultKeyField(entry)).toBe('orderId');
  });

  it('accepts valid lines, filling defaults later from the schema', () => {
    const { records, invalid } = prepareRecords(`${line()}\n\n${line({ orderId: 'o-2', channel: 'STORE' })}\n`, entry, 'orderId');
    expect(invalid).toEqual([]);
    expect(records.map((r) => [r.line, r.key])).toEqual([[1, 'o-1'], [3, 'o-2']]);
  });

  it('names the line and the field of every bad line', () => {
    const text = [line(), '{"orderId":', line({ items: [{ sku: 'A', quantity: 'two', unitPrice: '1' }] }), line({ orderId: 7 }), '[1]'].join('\n');
    expect(prepareRecords(text, entry, 'orderId').invalid).toEqual([
      { line: 2, reason: expect.stringContaining('not valid JSON') as string },
      { line: 3, reason: expect.stringContaining('field `items[0].quantity`') as string },
      { line: 4, reason: 'key field `orderId` must be a non-empty string' },
      { line: 5, reason: 'must be a JSON object' },
    ]);
  });
});
