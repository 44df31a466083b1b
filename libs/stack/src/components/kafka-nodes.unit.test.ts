import { describe, expect, it } from 'vitest';
import { defaultPorts } from '../options.ts';
import { kafkaNodes } from './kafka-nodes.ts';

describe('kafkaNodes', () => {
  it('is the single node `kafka` on the configured ports', () => {
    expect(kafkaNodes({ brokers: 1, ports: defaultPorts })).toEqual([
      { id: 1, name: 'kafka', port: 9092, controllerPort: 9093, advertisedPort: 9092, voters: '1@127.0.0.1:9093' },
    ]);
  });

  it('puts node n of a cluster on the ports + 2(n-1), each node voting for all three', () => {
    const nodes = kafkaNodes({ brokers: 3, ports: { ...defaultPorts, kafka: 17092, kafkaController: 17093 } });
    expect(nodes.map(({ name, port, controllerPort }) => [name, port, controllerPort])).toEqual([
      ['kafka-1', 17092, 17093],
      ['kafka-2', 17094, 17095],
      ['kafka-3', 17096, 17097],
    ]);
    expect(new Set(nodes.map((node) => node.voters))).toEqual(new Set(['1@127.0.0.1:17093,2@127.0.0.1:17095,3@127.0.0.1:17097']));
  });

  it('advertises and dials the other controllers through routes when given, and its own controller directly', () => {
    const [, second] = kafkaNodes({
      brokers: 3,
      ports: { ...defaultPorts, kafka: 17092, kafkaController: 17093 },
      kafkaRoutes: { advertisedPort: (node) => 17190 + 2 * node, controllerPort: (from, to) => 17200 + 10 * from + to },
    });
    expect(second).toMatchObject({ port: 17094, advertisedPort: 17194, voters: '1@127.0.0.1:17221,2@127.0.0.1:17095,3@127.0.0.1:17223' });
  });
});
