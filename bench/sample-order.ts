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

/** The rest of a confirmed order's life, as the inventory, payments and orders streams carry it. */
export const sampleLifecycle = (order: OrderPlaced) => {
  const at = (step: number) => new Date(order.placedAt.getTime() + step * 1_000);
  const total = '293.6800';
  return {
    reserved: { orderId: order.orderId, items: order.items.map(({ sku, quantity }) => ({ sku, quantity })), amount: total, currency: order.currency, customerId: order.customerId, reservedAt: at(1) },
    authorized: { orderId: order.orderId, amount: total, currency: order.currency, authorizationId: `auth-${order.orderId}`, authorizedAt: at(2) },
    confirmed: { orderId: order.orderId, customerId: order.customerId, total, currency: order.currency, confirmedAt: at(3) },
  };
};
