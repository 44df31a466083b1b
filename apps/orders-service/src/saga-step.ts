import { causedBy, derivedEventId, headerNames, type ConsumedEvent, type OutgoingEvent } from '@tributary/kafka';
import { decide, factOf, isSagaEventType, type SagaEvent, type SagaOutcome, type SagaStore } from '@tributary/order-saga';

/** Stable across redeliveries: the event id if the producer set one, else the record's position. */
const idOf = (consumed: ConsumedEvent<unknown>): string => consumed.headers[headerNames.eventId] ?? `${consumed.topic}:${consumed.partition}:${consumed.offset}`;

const outputOf = (outcome: SagaOutcome, cause: ConsumedEvent<unknown>): OutgoingEvent => ({
  key: outcome.orderId,
  eventType: outcome.eventType,
  payload: outcome.payload,
  // One outcome per order: its event id depends on the order alone, so every copy of it is recognisable.
  context: { ...causedBy(cause.headers), eventId: derivedEventId(outcome.orderId, outcome.eventType) },
});

/**
 * Applies one consumed event to its order and returns the event to publish, if the order just
 * became final. The outcome is claimed in the store first: whoever claims first (this saga or a
 * cancellation) decides, and a redelivery of the very event that decided publishes it again, since
 * the transaction that carried it the first time was aborted.
 */
export const sagaStep = async (store: SagaStore, consumed: ConsumedEvent<unknown>, decidedBy: string, now: () => Date): Promise<OutgoingEvent | undefined> => {
  const { eventType, payload } = consumed.event;
  if (!isSagaEventType(eventType)) return undefined;
  const event = { eventType, payload } as SagaEvent;
  const facts = await store.recordFacts(event.payload.orderId, factOf(event));
  const decision = decide(facts, now());
  if (!decision) return undefined;
  const outcome: SagaOutcome = { ...decision, orderId: facts.orderId, decidedBy, decidedOn: idOf(consumed) };
  const claim = await store.claimOutcome(outcome);
  if (claim.claimed) return outputOf(outcome, consumed);
  const { existing } = claim;
  return existing.decidedBy === decidedBy && existing.decidedOn === outcome.decidedOn ? outputOf(existing, consumed) : undefined;
};
