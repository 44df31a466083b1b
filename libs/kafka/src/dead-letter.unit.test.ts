import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { deadLetterMessage, deadLetterTopic, readProvenance, redriveMessage, retryTopic, sourceTopicOf, type Provenance } from './dead-letter.ts';

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

  it('go back without the parking headers, saying where they were parked and where they were first consumed', () => {
    const parked: KafkaMessage = { ...original, offset: '7', headers: deadLetterMessage(original, provenance).headers ?? {} };
    const back = redriveMessage(parked, 'orders.dlq', 2);
    expect(back.headers).toEqual({
      'event-id': Buffer.from('e-1'),
      'redriven-from': 'orders.dlq:2:7',
      'retry-original-topic': 'orders',
      'retry-original-partition': '3',
      'retry-original-offset': '41',
    });
  });

  it('keep the first position of a record redriven a second time', () => {
    const firstTrip = { ...original, headers: { ...original.headers, 'retry-original-topic': Buffer.from('stale'), 'retry-original-offset': Buffer.from('0') } };
    const parked: KafkaMessage = { ...original, offset: '9', headers: deadLetterMessage(firstTrip, provenance).headers ?? {} };
    expect(redriveMessage(parked, 'orders.dlq', 0).headers).toMatchObject({ 'retry-original-topic': 'orders', 'retry-original-offset': '41', 'redriven-from': 'orders.dlq:0:9' });
  });

  it('are redriven to a retry topic of their group, which maps back to the topic they came from', () => {
    expect(retryTopic('orders', 'order-projector')).toBe('orders.retry.order-projector');
    expect(sourceTopicOf('orders.retry.order-projector', 'order-projector')).toBe('orders');
    expect(sourceTopicOf('orders.retry.order-projector', 'inventory-service')).toBe('orders.retry.order-projector');
    expect(sourceTopicOf('orders', 'order-projector')).toBe('orders');
    expect(() => retryTopic('orders', 'group with spaces')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }) as Error);
    expect(() => retryTopic('orders', 'g'.repeat(240))).toThrow(/at most 249 characters/);
  });

  it('has no provenance for a record that was never parked', () => {
    expect(readProvenance(original.headers)).toBeUndefined();
  });
});
