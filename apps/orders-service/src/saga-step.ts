import { causedBy, derivedEventId, headerNames, type ConsumedEvent, type OutgoingEvent } from '@tributary/kafka';
import { decide, factOf, isSagaEventType, type DeadlineStore, type SagaEvent, type SagaOutcome, type SagaStore } from '@tributary/order-saga';

/** What one consumed event did to its order. */
export interface StepResult {
  /** The event that makes the order final, to publish in the batch's transaction. */
  output?: OutgoingEvent;
  /** A payment authorized for an order that had ended otherwise: the customer is owed a refund. */
  latePayment?: { orderId: string; outcome: SagaOutcome['eventType'] };
}

export interface SagaStepContext {
  sagas: SagaStore;
  deadlines: DeadlineStore;
  decidedBy: string;
  /** How long an order may take from OrderPlaced to its outcome. */
  deadlineMs: number;
  now: () => Date;
}

/** The saga's own outcomes, read back from the orders topic: once one is there, the order's deadline is over. */
const outcomeEventTypes = new Set(['OrderConfirmed', 'OrderRejected']);

/** Stable across redeliveries: the event id if the producer set one, else the record's position. */
const idOf = (consumed: ConsumedEvent<unknown>): string => consumed.headers[headerNames.eventId] ?? `${consumed.topic}:${consumed.partition}:${consumed.offset}`;

const outputOf = (outcome: SagaOutcome, cause: ConsumedEvent<unknown>): OutgoingEvent => ({
  key: outcome.orderId,
  eventType: outcome.eventType,
  payload: outcome.payload,
  // One outcome per order: its event id depends on the order alone, so every copy of it is recognisable.
  context: { ...causedBy(cause.headers), eventId: derivedEventId(outcome.orderId, outcome.eventType) },
});

/** Starts the order's clock when its OrderPlaced is first seen, on the partition that owns it. */
const scheduleDeadline = (context: SagaStepContext, event: SagaEvent, consumed: ConsumedEvent<unknown>): Promise<void> => {
  if (event.eventType !== 'OrderPlaced') return Promise.resolve();
  const { orderId, placedAt } = event.payload;
  return context.deadlines.schedule({ orderId, partition: consumed.partition, placedAt, dueAt: new Date(placedAt.getTime() + context.deadlineMs) });
};

/**
 * Applies one consumed event to its order and says what to publish, if the order just became
 * final. The outcome is claimed in the store first: whoever claims first (this saga, its deadline,
 * or a cancellation) decides, and a redelivery of the very event that decided publishes it again,
 * since the transaction that carried it the first time was aborted.
 */
export const sagaStep = async (context: SagaStepContext, consumed: ConsumedEvent<unknown>): Promise<StepResult> => {
  const { eventType, payload } = consumed.event;
  const orderId = (payload as { orderId?: unknown }).orderId;
  if (outcomeEventTypes.has(eventType) && typeof orderId === 'string') {
    await context.deadlines.clear([orderId]);
    return {};
  }
  if (!isSagaEventType(eventType)) return {};
  const event = { eventType, payload } as SagaEvent;
  const facts = await context.sagas.recordFacts(event.payload.orderId, factOf(event));
  await scheduleDeadline(context, event, consumed);
  if (facts.cancelled) {
    await context.deadlines.clear([facts.orderId]);
    return {};
  }
  const decision = decide(facts, context.now());
  if (!decision) return {};
  const outcome: SagaOutcome = { ...decision, orderId: facts.orderId, decidedBy: context.decidedBy, decidedOn: idOf(consumed) };
  const claim = await context.sagas.claimOutcome(outcome);
  if (claim.claimed) return { output: outputOf(outcome, consumed) };
  const { existing } = claim;
  if (existing.decidedBy === context.decidedBy && existing.decidedOn === outcome.decidedOn) return { output: outputOf(existing, consumed) };
  // Final already, and its closing event passed by (or is on its way): the clock has nothing left to guard.
  await context.deadlines.clear([facts.orderId]);
  const latePayment = event.eventType === 'PaymentAuthorized' && existing.eventType !== 'OrderConfirmed';
  return latePayment ? { latePayment: { orderId: facts.orderId, outcome: existing.eventType } } : {};
};
