import { TributaryError } from '@tributary/errors';
import type { ConsumedEvent, TransactionalEventProducer, TransactionalOutput } from '@tributary/kafka';
import { describe, expect, it } from 'vitest';
import { stepFailurePublisher } from './step-failure.ts';

const parkedFrom = (topic: string): ConsumedEvent<unknown> => ({
  topic,
  partition: 2,
  offset: '5',
  key: 'o-1',
  timestamp: '0',
  headers: { 'event-id': 'e-1' },
  event: { eventType: 'OrderPlaced', fullName: 'tributary.orders.OrderPlaced', schemaId: 1, payload: { orderId: 'o-1' } },
});

/** A producer that writes down what each transaction would have carried. */
const recordingProducer = () => {
  const calls: { outputs: readonly TransactionalOutput[]; positions: readonly unknown[] }[] = [];
  const producer: TransactionalEventProducer = {
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    connected: true,
    transactionalId: 't',
    publishAndCommit: (outputs, consumed) => {
      calls.push({ outputs, positions: consumed.positions });
      return Promise.resolve();
    },
  };
  return { producer, calls };
};

describe('a saga step giving up on an order', () => {
  const failure = new TributaryError('VALIDATION_FAILED', 'bad line');
  const publisherWith = (producer: TransactionalEventProducer) =>
    stepFailurePublisher({ producer, groupId: 'inventory-service', topic: 'inventory', eventType: 'StockReservationFailed', handles: 'OrderPlaced', now: () => new Date(0) });

  it('names the dead-letter topic the record was parked in, and commits its position', async () => {
    const { producer, calls } = recordingProducer();
    await publisherWith(producer)(parkedFrom('orders'), failure);
    expect(calls[0]?.outputs[0]?.events[0]?.payload).toMatchObject({ orderId: 'o-1', errorCode: 'VALIDATION_FAILED', deadLetterTopic: 'orders.dlq' });
    expect(calls[0]?.positions).toEqual([{ topic: 'orders', partition: 2, offset: '5' }]);
  });

  it('names its source topic dead-letter topic for a redriven record, and commits its position in the retry topic', async () => {
    const { producer, calls } = recordingProducer();
    await publisherWith(producer)(parkedFrom('orders.retry.inventory-service'), failure);
    expect(calls[0]?.outputs[0]?.events[0]?.payload).toMatchObject({ deadLetterTopic: 'orders.dlq' });
    expect(calls[0]?.positions).toEqual([{ topic: 'orders.retry.inventory-service', partition: 2, offset: '5' }]);
  });
});
