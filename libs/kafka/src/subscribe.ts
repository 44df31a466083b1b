import { setTimeout as sleep } from 'node:timers/promises';
import { TributaryError } from '@tributary/errors';

export interface Subscribable {
  subscribe(subscription: { topics: string[]; fromBeginning: boolean }): Promise<void>;
}

export interface SubscribeOptions {
  topics: readonly string[];
  fromBeginning: boolean;
  /** How long a topic may stay unknown to the broker asked before the subscription fails. */
  timeoutMs?: number;
  intervalMs?: number;
}

const isUnknownTopic = (error: unknown): boolean => (error as { type?: unknown } | undefined)?.type === 'UNKNOWN_TOPIC_OR_PARTITION';

/**
 * Subscribes once every topic is known to the broker kafkajs asks. On a cluster a topic just
 * created is known to the controller before every broker, and kafkajs answers a subscription that
 * reaches a broker which has not heard of it yet with UNKNOWN_TOPIC_OR_PARTITION at once, without
 * the retry it gives other metadata errors. Asked again a moment later, that broker knows it.
 */
export const subscribeWhenKnown = async (consumer: Subscribable, { topics, fromBeginning, timeoutMs = 30_000, intervalMs = 250 }: SubscribeOptions): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await consumer.subscribe({ topics: [...topics], fromBeginning });
      return;
    } catch (error) {
      if (!isUnknownTopic(error)) throw error;
      if (Date.now() + intervalMs > deadline) {
        throw new TributaryError('KAFKA_UNAVAILABLE', `Kafka still did not know topics ${topics.join(', ')} after ${timeoutMs / 1000} s: check that they exist and that every broker is up`, { cause: error });
      }
      await sleep(intervalMs);
    }
  }
};
