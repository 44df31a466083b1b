import { setTimeout as sleep } from 'node:timers/promises';
import { TributaryError } from '@tributary/errors';
import type { EventProducer, PublishedRecord } from '@tributary/kafka';
import type { SagaOutcome, SagaStore } from '@tributary/order-saga';
import { describe, expect, it } from 'vitest';
import { cancelOrder } from './cancel-order.ts';
import { within } from './deadline.ts';

const placedAt = new Date('2026-01-01T00:00:00Z');

/** A saga store holding one placed order; its outcome is one slot, claimed or free. */
const sagaStore = () => {
  let outcome: SagaOutcome | undefined;
  const store: Pick<SagaStore, 'readFacts' | 'claimOutcome' | 'releaseOutcome'> = {
    readFacts: (orderId) => Promise.resolve({ orderId, placed: { customerId: 'c-1', total: '1.0000', currency: 'EUR', at: placedAt } }),
    claimOutcome: (claim) => {
      if (outcome) return Promise.resolve({ claimed: false, existing: outcome });
      outcome = claim;
      return Promise.resolve({ claimed: true });
    },
    releaseOutcome: () => {
      outcome = undefined;
      return Promise.resolve();
    },
  };
  return { store: store as SagaStore, claimed: () => outcome !== undefined };
};

/** A producer whose one send ends as the test says, when it says. */
const producerSending = () => {
  let settle: { resolve: (records: PublishedRecord[]) => void; reject: (error: unknown) => void } | undefined;
  const producer = {
    publish: () =>
      new Promise<PublishedRecord[]>((resolve, reject) => {
        settle = { resolve, reject };
      }),
  } as unknown as EventProducer;
  return { producer, succeed: () => settle?.resolve([]), fail: (error: unknown) => settle?.reject(error) };
};

const cancel = (store: SagaStore, producer: EventProducer) =>
  cancelOrder({ sagas: store, producer, ordersTopic: 'orders', requestId: 'r-1', now: new Date(), publishTimeoutMs: 50 }, 'o-1', { reason: null });

describe('cancelling an order while Kafka does not confirm', () => {
  it('answers KAFKA_UNAVAILABLE after the publish timeout and keeps the claim while the send may still land', async () => {
    const saga = sagaStore();
    const sending = producerSending();
    await expect(cancel(saga.store, sending.producer)).rejects.toMatchObject({ code: 'KAFKA_UNAVAILABLE', details: { orderId: 'o-1' } });
    expect(saga.claimed()).toBe(true);
    sending.succeed();
    await sleep(10);
    expect(saga.claimed()).toBe(true);
  });

  it('takes the claim back once a timed-out send fails after all, so a retry can cancel', async () => {
    const saga = sagaStore();
    const sending = producerSending();
    await expect(cancel(saga.store, sending.producer)).rejects.toMatchObject({ code: 'KAFKA_UNAVAILABLE' });
    sending.fail(new TributaryError('KAFKA_UNAVAILABLE', 'gave up'));
    await sleep(10);
    expect(saga.claimed()).toBe(false);
  });

  it('takes the claim back at once when the send fails within the timeout', async () => {
    const saga = sagaStore();
    const producer = { publish: () => Promise.reject(new TributaryError('KAFKA_UNAVAILABLE', 'refused')) } as unknown as EventProducer;
    await expect(cancel(saga.store, producer)).rejects.toMatchObject({ code: 'KAFKA_UNAVAILABLE', message: 'refused' });
    expect(saga.claimed()).toBe(false);
  });
});

describe('within', () => {
  it('hands back the value of work that ends in time', async () => {
    expect(await within(Promise.resolve(7), 50)).toEqual({ settled: true, value: 7 });
  });

  it('throws the failure of work that fails in time', async () => {
    await expect(within(Promise.reject(new Error('no')), 50)).rejects.toThrow('no');
  });

  it('hands back the running work once the time is up, and a late failure is not left unhandled', async () => {
    let fail: (error: Error) => void = () => undefined;
    const work = new Promise<number>((_resolve, reject) => {
      fail = reject;
    });
    const started = Date.now();
    const outcome = await within(work, 30);
    expect(outcome.settled).toBe(false);
    expect(Date.now() - started).toBeLessThan(500);
    fail(new Error('late'));
    await sleep(5);
  });
});
