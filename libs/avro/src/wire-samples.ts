/**
 * Sample events for the wire-format compatibility test: the money edges of precision 18 and scale
 * 4, timestamps around the epoch and at the ends of Date's range, null and given optional fields.
 */
export interface WireSample {
  readonly name: string;
  readonly eventType: string;
  readonly version: number;
  readonly payload: Record<string, unknown>;
}

const orderId = '0b6f3c1e-8a52-4d7e-9c1a-5f2e7d4b9a10';
const line = (unitPrice: string | number, quantity = 1) => ({ sku: 'SKU-10001', quantity, unitPrice });
const placed = (items: unknown[], placedAt: Date, extra: Record<string, unknown> = {}) => ({
  orderId,
  customerId: 'customer-42',
  currency: 'EUR',
  items,
  placedAt,
  channel: 'MOBILE',
  promoCode: null,
  ...extra,
});

export const wireSamples: readonly WireSample[] = [
  { name: 'a typical order', eventType: 'OrderPlaced', version: 2, payload: placed([line('19.99', 2), line('249.5'), line('0.35', 12)], new Date(1_780_000_000_000), { promoCode: 'SPRING-10' }) },
  { name: 'zero and the smallest amounts', eventType: 'OrderPlaced', version: 2, payload: placed([line('0'), line('0.0001'), line('-0.0001'), line('-0')], new Date(0)) },
  {
    name: 'the largest amounts of precision 18',
    eventType: 'OrderPlaced',
    version: 2,
    payload: placed([line('99999999999999.9999'), line('-99999999999999.9999'), line('10000000000000')], new Date(-1)),
  },
  {
    name: 'amounts at the edges of 15 digits and of 6 and 7 bytes',
    eventType: 'OrderPlaced',
    version: 2,
    payload: placed([line('99999999999.9999'), line('100000000000'), line('14073748835.5328'), line('-14073748835.5328'), line('-14073748835.5329')], new Date(8.64e15)),
  },
  {
    name: 'byte boundaries of small amounts',
    eventType: 'OrderPlaced',
    version: 2,
    payload: placed([line('0.0127'), line('0.0128'), line('-0.0128'), line('-0.0129'), line('3.2767'), line('3.2768'), line('-3.2768')], new Date(-8.64e15)),
  },
  { name: 'amounts given as numbers and with trailing zeros', eventType: 'OrderPlaced', version: 2, payload: placed([line(19.99), line(0.1), line('19.9900'), line('007.5')], new Date(1)) },
  { name: 'an order of version 1', eventType: 'OrderPlaced', version: 1, payload: { orderId, customerId: 'c', currency: 'USD', items: [line('1.5')], placedAt: new Date(1_700_000_000_123) } },
  {
    name: 'a reservation with its amount',
    eventType: 'StockReserved',
    version: 2,
    payload: { orderId, items: [{ sku: 'SKU-1', quantity: 2 }], amount: '293.6800', currency: 'EUR', customerId: 'customer-42', reservedAt: new Date(1_780_000_001_000) },
  },
  {
    name: 'a reservation without the fields of version 2',
    eventType: 'StockReserved',
    version: 2,
    payload: { orderId, items: [], amount: null, currency: null, customerId: null, reservedAt: new Date(0) },
  },
  { name: 'a reservation of the largest amount', eventType: 'StockReserved', version: 2, payload: { orderId, items: [], amount: '-99999999999999.9999', currency: 'JPY', customerId: null, reservedAt: new Date(5) } },
  { name: 'a reservation of version 1', eventType: 'StockReserved', version: 1, payload: { orderId, items: [{ sku: 'SKU-9', quantity: 1 }], reservedAt: new Date(2) } },
  {
    name: 'an authorized payment',
    eventType: 'PaymentAuthorized',
    version: 1,
    payload: { orderId, amount: '12345678901.2345', currency: 'EUR', authorizationId: 'auth-1', authorizedAt: new Date(1_780_000_002_000) },
  },
];
