import { randomUUID } from 'node:crypto';
import type { OrderPlaced } from '@tributary/contracts';

/** A realistic OrderPlaced for benchmarks: a few lines, exact prices, a promotion code on every third. */
export const sampleOrder = (index: number): OrderPlaced => ({
  orderId: randomUUID(),
  customerId: `customer-${index % 997}`,
  currency: 'EUR',
  items: [
    { sku: 'SKU-10001', quantity: 2, unitPrice: '19.99' },
    { sku: 'SKU-20417', quantity: 1, unitPrice: '249.5' },
    { sku: 'SKU-30990', quantity: 12, unitPrice: '0.35' },
  ],
  placedAt: new Date(1_780_000_000_000 + index),
  channel: 'MOBILE',
  promoCode: index % 3 === 0 ? 'SPRING-10' : null,
});
