import { describe, expect, it } from 'vitest';
import { parsePartitionOverrides, plannedTopics, topicRows } from './topics.ts';

const streams = ['orders', 'inventory', 'payments'];
const plan = { streams, partitions: 6, replicationFactor: 3, overrides: new Map<string, number>(), deadLetters: true };

describe('tributary topics ensure: the planned topics', () => {
  it('plans every stream and its dead-letter topic with the services\' partitions, replicas and unlimited retention', () => {
    const specs = plannedTopics(plan);
    expect(specs.map((spec) => spec.name)).toEqual(['orders', 'orders.dlq', 'inventory', 'inventory.dlq', 'payments', 'payments.dlq']);
    for (const spec of specs) {
      expect(spec).toMatchObject({ partitions: 6, replicationFactor: 3, config: { 'retention.ms': '-1', 'cleanup.policy': 'delete' } });
    }
  });

  it('gives a topic named in --partitions that count, and its dead-letter topic the same', () => {
    const specs = plannedTopics({ ...plan, overrides: parsePartitionOverrides('orders=24, payments=12') });
    expect(specs.map((spec) => [spec.name, spec.partitions])).toEqual([
      ['orders', 24],
      ['orders.dlq', 24],
      ['inventory', 6],
      ['inventory.dlq', 6],
      ['payments', 12],
      ['payments.dlq', 12],
    ]);
  });

  it('leaves the dead-letter topics out when asked', () => {
    expect(plannedTopics({ ...plan, deadLetters: false }).map((spec) => spec.name)).toEqual(streams);
  });

  it('refuses --partitions for a topic that is not a stream, naming the streams', () => {
    expect(() => plannedTopics({ ...plan, overrides: new Map([['ordrs', 3]]) })).toThrow('--partitions names ordrs, not one of the streams\' topics: orders, inventory, payments');
  });

  it.each(['orders', 'orders=0', 'orders=x', '=3', 'orders=3=4'])('refuses the --partitions entry %j as a usage error', (entry) => {
    expect(() => parsePartitionOverrides(entry)).toThrow(expect.objectContaining({ code: 'USAGE' }) as Error);
  });
});

describe('tributary topics ensure: the report', () => {
  const specs = plannedTopics({ ...plan, deadLetters: false });

  it('says which topics were created and which were there, with what the broker reports', () => {
    const states = streams.map((name) => ({ name, partitions: 6, replicas: 3, retentionMs: '-1' }));
    const { rows, differing } = topicRows(specs, ['orders'], states);
    expect(rows).toEqual([
      ['orders', '6', '3', '-1', 'created'],
      ['inventory', '6', '3', '-1', 'exists'],
      ['payments', '6', '3', '-1', 'exists'],
    ]);
    expect(differing).toEqual([]);
  });

  it('reports an existing topic with another partition count as left unchanged', () => {
    const states = streams.map((name) => ({ name, partitions: name === 'payments' ? 3 : 6, replicas: 3, retentionMs: '-1' }));
    const { rows, differing } = topicRows(specs, [], states);
    expect(rows[2]).toEqual(['payments', '3', '3', '-1', 'exists; wanted 6 partitions, left unchanged']);
    expect(differing).toEqual(['payments']);
  });
});
