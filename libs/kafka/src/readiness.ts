import { partitionKey } from './stall.ts';

/** What /readyz says of one dependency: whether it can serve, and if not, why. */
export interface Readiness {
  ready: boolean;
  reason?: string;
}

/** The consumer as its runner sees it at one moment. */
export interface ConsumerHealth {
  /** Between start() and stop(). */
  running: boolean;
  /** A member of its group with an assignment. */
  joined: boolean;
  /** The error of a crash the consumer has not come back from yet (kafkajs restarts it when it can). */
  crash?: string;
  /** Partitions with lag whose commits have not moved for the stall time, paused ones aside. */
  stalled: readonly { topic: string; partition: number }[];
}

const listed = (partitions: readonly { topic: string; partition: number }[]): string => {
  const keys = partitions.map(({ topic, partition }) => partitionKey(topic, partition));
  return keys.length > 5 ? `${keys.slice(0, 5).join(', ')} and ${keys.length - 5} more` : keys.join(', ');
};

/**
 * A consumer is ready while it runs, is a member of its group and moves every partition it has
 * records for. A stalled partition counts against it: the process is up but not doing its job,
 * which only the lag would otherwise show.
 */
export const consumerReadiness = ({ running, joined, crash, stalled }: ConsumerHealth): Readiness => {
  if (!running) return { ready: false, reason: 'consumer not running' };
  if (crash !== undefined) return { ready: false, reason: `consumer crashed: ${crash}` };
  if (!joined) return { ready: false, reason: 'consumer not a member of its group yet' };
  if (stalled.length > 0) return { ready: false, reason: `partitions stalled: ${listed(stalled)}` };
  return { ready: true };
};
