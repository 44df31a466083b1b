import type { OrderConfirmed, OrderRejected } from '@tributary/contracts';
import { customerOf, type SagaFacts } from './facts.ts';

/** The saga's final word on an order: the event that closes it. */
export type SagaDecision = { eventType: 'OrderConfirmed'; payload: OrderConfirmed } | { eventType: 'OrderRejected'; payload: OrderRejected };

type Rejection = Pick<OrderRejected, 'reason' | 'detail'>;

/** Why the facts rule the order out, if they do; a failed step or a decline outranks the deadline. */
const rejectionOf = (facts: SagaFacts): Rejection | undefined => {
  const { stock, payment } = facts;
  if (stock?.outcome === 'REJECTED') {
    return { reason: 'OUT_OF_STOCK', detail: stock.shortSkus.length > 0 ? `not enough stock for ${stock.shortSkus.join(', ')}` : 'not enough stock' };
  }
  if (stock?.outcome === 'FAILED') return { reason: 'STEP_FAILED', detail: `stock reservation failed (${stock.errorCode}): ${stock.detail}` };
  if (payment?.outcome === 'DECLINED') return { reason: 'PAYMENT_DECLINED', detail: `payment declined: ${payment.reason}` };
  if (payment?.outcome === 'FAILED') return { reason: 'STEP_FAILED', detail: `payment failed (${payment.errorCode}): ${payment.detail}` };
  // Once the deadline has passed, a payment authorized in the same moment no longer confirms the order.
  if (facts.deadline) return { reason: 'DEADLINE_EXCEEDED', detail: `no outcome by the deadline at ${facts.deadline.at.toISOString()}` };
  return undefined;
};

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
  const rejection = rejectionOf(facts);
  if (rejection) return { eventType: 'OrderRejected', payload: { orderId, customerId, ...rejection, rejectedAt: now } };
  if (facts.payment?.outcome === 'AUTHORIZED') {
    return { eventType: 'OrderConfirmed', payload: { orderId, customerId, total: facts.payment.amount, currency: facts.payment.currency, confirmedAt: now } };
  }
  return undefined;
};
