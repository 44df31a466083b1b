import { describe, expect, it } from 'vitest';
import { subscribeWhenKnown } from './subscribe.ts';

const unknownTopic = Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });

/** A consumer whose first `failures` subscriptions fail with `error`. */
const consumerFailing = (failures: number, error: Error) => {
  const calls: { topics: string[]; fromBeginning: boolean }[] = [];
  return {
    calls,
    subscribe(subscription: { topics: string[]; fromBeginning: boolean }) {
      calls.push(subscription);
      return calls.length <= failures ? Promise.reject(error) : Promise.resolve();
    },
  };
};

describe('subscribeWhenKnown', () => {
  it('asks again while the broker does not know a topic just created, then subscribes', async () => {
    const consumer = consumerFailing(3, unknownTopic);
    await subscribeWhenKnown(consumer, { topics: ['orders', 'orders.retry.g'], fromBeginning: true, intervalMs: 1 });
    expect(consumer.calls).toHaveLength(4);
    expect(consumer.calls[3]).toEqual({ topics: ['orders', 'orders.retry.g'], fromBeginning: true });
  });

  it('fails with KAFKA_UNAVAILABLE, naming the topics, when a topic stays unknown', async () => {
    const consumer = consumerFailing(Number.POSITIVE_INFINITY, unknownTopic);
    const failure = await subscribeWhenKnown(consumer, { topics: ['orders'], fromBeginning: false, timeoutMs: 20, intervalMs: 5 }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'KAFKA_UNAVAILABLE', cause: unknownTopic });
    expect((failure as Error).message).toMatch(/did not know topics orders after 0\.02 s/);
  });

  it('does not retry any other failure', async () => {
    const denied = Object.assign(new Error('Not authorized to access topics'), { type: 'TOPIC_AUTHORIZATION_FAILED' });
    const consumer = consumerFailing(1, denied);
    await expect(subscribeWhenKnown(consumer, { topics: ['orders'], fromBeginning: true, intervalMs: 1 })).rejects.toBe(denied);
    expect(consumer.calls).toHaveLength(1);
  });
});
