import { handlePerKey, positionsOf, type ConsumedEvent, type OutgoingEvent, type TransactionalEventProducer } from '@tributary/kafka';

export interface TransformOptions {
  producer: TransactionalEventProducer;
  groupId: string;
  /** Where the outputs go. */
  topic: string;
  /** Keys handled at once; each key's own events stay in order. */
  concurrency: number;
  /** Told the outputs of each batch once they are committed. */
  committed?: (outputs: readonly OutgoingEvent[]) => void;
}

/**
 * Consume-transform-produce: a batch handler that turns each consumed event into the events that
 * answer it, key by key, and publishes them with the batch's offsets in one transaction, so the
 * answers and the positions they answer become visible together or not at all.
 */
export const transformPerKey =
  ({ producer, groupId, topic, concurrency, committed }: TransformOptions, transform: (consumed: ConsumedEvent<unknown>) => Promise<readonly OutgoingEvent[]>) =>
  async (events: readonly ConsumedEvent<unknown>[]): Promise<void> => {
    const outputs = await handlePerKey(events, concurrency, transform);
    await producer.publishAndCommit([{ topic, events: outputs }], { groupId, positions: positionsOf(events) });
    committed?.(outputs);
  };
