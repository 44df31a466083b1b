import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { parkingTopicOf, recordOrigin, retryTopicSpecs, withRetryTopics } from './retry-topics.ts';

const record = (offset: string, headers: Record<string, string> = {}): KafkaMessage => ({
  key: Buffer.from('order-1'),
  value: Buffer.from('v'),
  timestamp: '0',
  attributes: 0,
  offset,
  headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Buffer.from(value)])),
});

const firstConsumedAt = { 'retry-original-topic': 'orders', 'retry-original-partition': '4', 'retry-original-offset': '41' };

describe('retry topics', () => {
  it('are read by their group beside the topics it consumes, created with their source partitions and retention', () => {
    expect(withRetryTopics(['orders', 'payments'], 'order-projector')).toEqual(['orders', 'payments', 'orders.retry.order-projector', 'payments.retry.order-projector']);
    expect(retryTopicSpecs(['orders'], 'g', { topicPartitions: 6, topicReplicationFactor: 3 })).toEqual([
      { name: 'orders.retry.g', partitions: 6, replicationFactor: 3, config: { 'retention.ms': '-1', 'cleanup.policy': 'delete' }, partitionsLike: 'orders' },
    ]);
  });

  it('park a record that fails again under the position it was first consumed at, in its source topic dead-letter topic', () => {
    const origin = recordOrigin('orders.retry.g', 1, record('0', firstConsumedAt), 'g');
    expect(origin).toEqual({ originalTopic: 'orders', originalPartition: 4, originalOffset: '41' });
    expect(parkingTopicOf(origin, 'g')).toBe('orders.dlq');
  });

  it('park a record of a main topic under its own position, whatever its headers say', () => {
    const origin = recordOrigin('orders', 2, record('17', firstConsumedAt), 'g');
    expect(origin).toEqual({ originalTopic: 'orders', originalPartition: 2, originalOffset: '17' });
    expect(parkingTopicOf(origin, 'g')).toBe('orders.dlq');
  });

  it('park a retry record without a first position under its own, still in its source topic dead-letter topic', () => {
    const origin = recordOrigin('orders.retry.g', 1, record('3'), 'g');
    expect(origin).toEqual({ originalTopic: 'orders.retry.g', originalPartition: 1, originalOffset: '3' });
    expect(parkingTopicOf(origin, 'g')).toBe('orders.dlq');
    // Headers naming another topic are not this record's first position.
    expect(recordOrigin('orders.retry.g', 1, record('3', { ...firstConsumedAt, 'retry-original-topic': 'payments' }), 'g').originalTopic).toBe('orders.retry.g');
  });
});
