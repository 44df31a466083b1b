import type { OrderConfirmed, OrderRejected } from '@tributary/contracts';
import { customerOf, type SagaFacts } from './facts.ts';

/** The saga's final word on an order: the event that closes it. */
export type SagaDecision = { eventType: 'OrderConfirmed'; payload: OrderConfirmed } | { eventType: 'OrderRejected'; payload: OrderRejected };

/**
 * Decides from the facts alone, never from the order they arrived in. Undefined means "not yet":
 * a fact the decision needs has not been seen. A cancelled order is final already (its
 * OrderCancelled was produced by whoever cancelled it), so the saga has nothing to add.
 */
export const decide = (facts: SagaFacts, now: Date): SagaDecision | undefined => {
  if (facts.cancelled) return undefined;
  const customerId = customerOf(facts);
  if (customerId === undefined) return undefined;
  const { orderId } = facts;
  if (facts.stock?.outcome === 'REJECTED') {
    const detail = facts.stock.shortSkus.length > 0 ? `not enough stock for ${facts.stock.shortSkus.join(', ')}` : 'not enough stock';
    return { eventType: 'OrderRejected', payload: { orderId, customerId, reason: 'OUT_OF_STOCK', detail, rejectedAt: now } };
  }
  if (facts.payment?.outcome === 'DECLINED') {
    return { eventType: 'OrderRejected', payload: { orderId, customerId, reason: 'PAYMENT_DECLINED', detail: `payment declined: ${facts.payment.reason}`, rejectedAt: now } };
  }
  if (facts.payment?.outcome === 'AUTHORIZED') {
    return { eventType: 'OrderConfirmed', payload: { orderId, customerId, total: facts.payment.amount, currency: facts.payment.currency, confirmedAt: now } };
  }
  return undefined;
};
