import type { ComponentName } from '../component.ts';
import { loopback } from '../network.ts';
import type { StackOptions } from '../options.ts';

/** One Kafka process of the stack: a combined broker and controller. */
export interface KafkaNode {
  id: number;
  /** `kafka` for a single node, `kafka-<id>` in a cluster: its pid file, log and data folder. */
  name: ComponentName;
  /** What the broker listener binds (clients and replication). */
  port: number;
  controllerPort: number;
  /** What the node tells clients and the other brokers to dial: its own port, or a route to it. */
  advertisedPort: number;
  /** controller.quorum.voters as this node dials the quorum. */
  voters: string;
}

/** Node n of a cluster listens this far above the configured Kafka and controller ports. */
const portStep = 2;

export const nodePorts = (ports: StackOptions['ports'], id: number): { port: number; controllerPort: number } => ({
  port: ports.kafka + portStep * (id - 1),
  controllerPort: ports.kafkaController + portStep * (id - 1),
});

export const kafkaNodes = ({ brokers, ports, kafkaRoutes }: Pick<StackOptions, 'brokers' | 'ports' | 'kafkaRoutes'>): KafkaNode[] => {
  const ids = Array.from({ length: brokers }, (_, index) => index + 1);
  return ids.map((id) => {
    const own = nodePorts(ports, id);
    // A node dials its own controller directly: a route to itself would cut it off from itself.
    const dial = (to: number): number => (to === id || !kafkaRoutes ? nodePorts(ports, to).controllerPort : kafkaRoutes.controllerPort(id, to));
    return {
      id,
      name: brokers === 1 ? 'kafka' : `kafka-${id}`,
      ...own,
      advertisedPort: kafkaRoutes ? kafkaRoutes.advertisedPort(id) : own.port,
      voters: ids.map((to) => `${to}@${loopback}:${dial(to)}`).join(','),
    };
  });
};

/** The addresses clients bootstrap from: every node, as advertised. */
export const bootstrapAddresses = (options: Pick<StackOptions, 'brokers' | 'ports' | 'kafkaRoutes'>): string[] =>
  kafkaNodes(options).map((node) => `${loopback}:${node.advertisedPort}`);
