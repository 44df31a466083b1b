import type { Logger } from '@tributary/logger';
import type { Consumer } from 'kafkajs';
import { isRetriedByKafkajs } from '../client.ts';
import type { ConsumerMetrics } from '../consumer-metrics.ts';
import type { PauseKeeper } from '../pauses.ts';
import { partitionKey } from '../stall.ts';

export type Assignment = readonly { topic: string; partition: number }[];

export interface Membership {
  readonly joined: boolean;
  readonly assignment: Assignment;
  /** Why the consumer crashed last, until it joins again. */
  readonly crash: string | undefined;
}

/**
 * Follows the consumer's place in its group from kafkajs's events: joined with which partitions,
 * or out (crashed, disconnected, stopped). Partitions that left this member are let go of their pauses.
 */
export const trackMembership = (
  consumer: Pick<Consumer, 'on' | 'events'>,
  { groupId, logger, metrics, pauses, onAssignment }: { groupId: string; logger: Logger; metrics?: ConsumerMetrics; pauses: Pick<PauseKeeper, 'keepOnly'>; onAssignment?: (assignment: Assignment) => void },
): Membership => {
  const state: { joined: boolean; assignment: Assignment; crash: string | undefined } = { joined: false, assignment: [], crash: undefined };
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    state.joined = true;
    state.crash = undefined;
    state.assignment = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })));
    pauses.keepOnly(new Set(state.assignment.map(({ topic, partition }) => partitionKey(topic, partition))));
    metrics?.rebalances.inc({ group: groupId });
    onAssignment?.(state.assignment);
    logger.info('joined consumer group', { groupId, assignment: payload.memberAssignment });
  });
  for (const event of [consumer.events.CRASH, consumer.events.DISCONNECT, consumer.events.STOP]) {
    consumer.on(event, () => {
      state.joined = false;
      state.assignment = [];
    });
  }
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    state.crash = payload.error.message;
    // kafkajs restarts a crashed consumer with a new group member that has nothing paused.
    pauses.keepOnly(new Set());
    // A coordinator still loading or moved is normal on a fresh broker: kafkajs rejoins by itself.
    const normal = payload.restart && isRetriedByKafkajs(payload.error.message);
    logger.log(normal ? 'warn' : 'error', normal ? 'consumer restarting: its group coordinator is loading or moved' : 'consumer crashed', { groupId, error: payload.error.message, restart: payload.restart });
  });
  return state;
};
