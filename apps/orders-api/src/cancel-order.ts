import { bodyErrors } from '@tributary/http';
import { TributaryError } from '@tributary/errors';
import { derivedEventId, type EventProducer, type PublishedRecord } from '@tributary/kafka';
import { customerOf, type SagaOutcome, type SagaStore } from '@tributary/order-saga';
import { z } from 'zod';
import { unconfirmed, within, type Bounded } from './deadline.ts';

export const orderIdParams = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be an order id (letters, digits, . _ : -)'),
});

/** The optional body of POST /orders/:id/cancel. */
export const cancelOrderCommand = z.strictObject(
  {
    reason: z.string({ error: 'reason must be a string' }).trim().min(1, 'reason must not be empty').max(500, 'reason must be at most 500 characters').nullable().default(null),
  },
  { error: bodyErrors('body must be a JSON object (or empty)') },
);

export type CancelOrderCommand = z.output<typeof cancelOrderCommand>;

const finalStatus: Record<SagaOutcome['eventType'], string> = { OrderConfirmed: 'CONFIRMED', OrderRejected: 'REJECTED', OrderCancelled: 'CANCELLED' };

interface CancelContext {
  sagas: SagaStore;
  producer: EventProducer;
  ordersTopic: string;
  requestId: string;
  /** The request span's traceparent, so the cancellation's publish span is its child. */
  traceparent?: string | undefined;
  now: Date;
  /** Longest wait for Kafka to confirm the event before the request is answered 503. */
  publishTimeoutMs: number;
}

/**
 * Cancels an order that is not final. The cancellation claims the order's one outcome in the store
 * before anything is published, so it and the saga's confirmation can never both win; if the event
 * cannot be published, the claim is taken back and the caller may try again.
 */
export const cancelOrder = async ({ sagas, producer, ordersTopic, requestId, traceparent, now, publishTimeoutMs }: CancelContext, orderId: string, command: CancelOrderCommand): Promise<void> => {
  const facts = await sagas.readFacts(orderId);
  const customerId = facts ? customerOf(facts) : undefined;
  if (!facts || customerId === undefined) {
    throw new TributaryError('NOT_FOUND', `Order ${orderId} is not known (an order placed a moment ago may not have reached the saga yet: retry shortly)`);
  }
  const outcome: SagaOutcome = {
    eventType: 'OrderCancelled',
    payload: { orderId, customerId, reason: command.reason, cancelledAt: now },
    orderId,
    decidedBy: 'orders-api',
    decidedOn: requestId,
  };
  const claim = await sagas.claimOutcome(outcome);
  if (!claim.claimed) {
    const status = finalStatus[claim.existing.eventType];
    throw new TributaryError('CONFLICT', `Order ${orderId} is already ${status.toLowerCase()} and cannot be cancelled`, { details: { orderId, status } });
  }
  const sending = producer.publish(ordersTopic, [
    { key: orderId, eventType: 'OrderCancelled', payload: outcome.payload, context: { correlationId: requestId, traceparent, eventId: derivedEventId(orderId, 'OrderCancelled') } },
  ]);
  let sent: Bounded<PublishedRecord[]>;
  try {
    sent = await within(sending, publishTimeoutMs);
  } catch (error) {
    await sagas.releaseOutcome(orderId);
    throw error;
  }
  if (!sent.settled) {
    // The event may still be written, so the claim stays while it may: taken back now, the saga
    // could confirm an order whose cancellation lands a moment later. If the send fails after all,
    // the claim is taken back then, and a retried cancellation can claim it again.
    void sent.pending.catch(() => sagas.releaseOutcome(orderId)).catch(() => undefined);
    throw unconfirmed(`Kafka did not confirm the cancellation of order ${orderId} within ${publishTimeoutMs} ms; it may still take effect`, { orderId });
  }
};
