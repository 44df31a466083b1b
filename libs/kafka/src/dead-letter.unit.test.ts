import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { deadLetterMessage, deadLetterTopic, readProvenance, redriveMessage, type Provenance } from './dead-letter.ts';

const original: KafkaMessage = {
  key: Buffer.from('order-1'),
  value: Buffer.from('not avro'),
  timestamp: '0',
  attributes: 0,
  offset: '41',
  headers: { 'event-id': Buffer.from('e-1') },
};

const provenance: Provenance = {
  originalTopic: 'orders',
  originalPartition: 3,
  originalOffset: '41',
  consumerGroup: 'order-projector',
  errorCode: 'WIRE_FORMAT_INVALID',
  errorMessage: 'not in the wire format',
  attempts: 1,
  firstFailureAt: '2026-01-01T00:00:00.000Z',
  deadLetteredAt: '2026-01-01T00:00:01.000Z',
};

describe('dead letters', () => {
  it('park a record under <topic>.dlq with its provenance and original headers', () => {
    const parked = deadLetterMessage(original, provenance);
    expect(deadLetterTopic('orders')).toBe('orders.dlq');
    expect(parked.key).toEqual(original.key);
    expect(parked.value).toEqual(original.value);
    expect(readProvenance(parked.headers)).toEqual(provenance);
    expect(parked.headers?.['event-id']).toEqual(Buffer.from('e-1'));
  });

  it('go back to their topic without the parking headers, saying where they were parked', () => {
    const parked: KafkaMessage = { ...original, offset: '7', headers: deadLetterMessage(original, provenance).headers ?? {} };
    const back = redriveMessage(parked, 'orders.dlq', 2);
    expect(Object.keys(back.headers ?? {})).toEqual(['event-id', 'redriven-from']);
    expect(back.headers?.['redriven-from']).toBe('orders.dlq:2:7');
  });

  it('has no provenance for a record that was never parked', () => {
    expect(readProvenance(original.headers)).toBeUndefined();
  });
});
