import type { PaymentFailed, StockReservationFailed } from '@tributary/contracts';
import type { TributaryError } from '@tributary/errors';
import { causedBy, deadLetterTopic, derivedEventId, headerNames, positionsOf, sourceTopicOf, type ConsumedEvent, type OutgoingEvent, type TransactionalEventProducer } from '@tributary/kafka';

/** The negative outcome each saga step publishes when it dead-letters an order's record. */
export type StepFailedEventType = 'StockReservationFailed' | 'PaymentFailed';

/**
 * The fact that a step gave up on an order: published beside the parked record, so the saga rejects
 * the order at once instead of waiting for its deadline. Its id derives from the parked record's, so
 * handling that record again (a redelivery) states the same fact.
 */
export const stepFailedEvent = (
  eventType: StepFailedEventType,
  parked: ConsumedEvent<{ orderId: string }>,
  error: TributaryError,
  deadLetterTopic: string,
  now: Date,
): OutgoingEvent => {
  const { orderId } = parked.event.payload;
  const cause = parked.headers[headerNames.eventId] ?? `${parked.topic}/${parked.partition}/${parked.offset}`;
  const payload: StockReservationFailed | PaymentFailed = { orderId, errorCode: error.code, detail: error.message.slice(0, 1_000), deadLetterTopic, failedAt: now };
  return { key: orderId, eventType, payload, context: { ...causedBy(parked.headers), eventId: derivedEventId(cause, eventType) } };
};

export interface StepFailurePublisherOptions {
  producer: TransactionalEventProducer;
  groupId: string;
  /** The step's own output topic, where its positive outcome would have gone. */
  topic: string;
  eventType: StepFailedEventType;
  /** The consumed event type this step acts on; other parked records are not an order step of its own. */
  handles: string;
  now?: () => Date;
}

/**
 * The consumer runtime's dead-letter hook of a saga step: the failure fact and the parked record's
 * offset go in one transaction, so the fact is stated exactly once however often the record is seen.
 */
export const stepFailurePublisher =
  ({ producer, groupId, topic, eventType, handles, now = () => new Date() }: StepFailurePublisherOptions) =>
  async (parked: ConsumedEvent<unknown>, error: TributaryError): Promise<void> => {
    if (parked.event.eventType !== handles) return;
    // A redriven record that failed again was parked in its source topic's dead-letter topic.
    const event = stepFailedEvent(eventType, parked as ConsumedEvent<{ orderId: string }>, error, deadLetterTopic(sourceTopicOf(parked.topic, groupId)), now());
    await producer.publishAndCommit([{ topic, events: [event] }], { groupId, positions: positionsOf([parked]) });
  };
