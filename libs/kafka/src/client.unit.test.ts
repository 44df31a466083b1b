import { describe, expect, it } from 'vitest';
import { isRetriedByKafkajs } from './client.ts';

describe('conditions kafkajs retries by itself', () => {
  it.each([
    'Response Heartbeat(key: 12, version: 3) The group is rebalancing, so a rejoin is needed',
    'Response FindCoordinator(key: 10, version: 2) The group coordinator is not available',
    'This server does not host this topic-partition',
  ])('takes "%s" as one, to be logged at debug', (text) => {
    expect(isRetriedByKafkajs(text)).toBe(true);
  });

  it('takes other errors as errors', () => {
    expect(isRetriedByKafkajs('Connection error: connect ECONNREFUSED 127.0.0.1:9092')).toBe(false);
    expect(isRetriedByKafkajs('The producer attempted to use a producer id which is not currently assigned to its transactional id')).toBe(false);
  });
});
