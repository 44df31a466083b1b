import { TributaryError } from '@tributary/errors';
import { AssignerProtocol, type Admin, type Kafka } from 'kafkajs';
import { isThrowawayGroup } from '../events/throwaway-group.ts';
import { formatKnownGroups } from './format.ts';
import type { GroupSnapshot } from './lag.ts';

export interface SnapshotOptions {
  /** One group; its absence is an error. */
  groupId?: string;
  /** Include the throwaway groups of tail and dlq. */
  all?: boolean;
}

/** A member's partitions; empty while the group rebalances and nothing is assigned yet. */
const decodeAssignment = (buffer: Buffer): Record<string, number[]> => {
  if (buffer.length === 0) return {};
  try {
    return AssignerProtocol.MemberAssignment.decode(buffer)?.assignment ?? {};
  } catch {
    return {};
  }
};

const chooseGroups = async (admin: Admin, { groupId, all }: SnapshotOptions): Promise<string[]> => {
  const { groups } = await admin.listGroups();
  // Consumer groups only: Connect workers and others share the list with their own protocol types.
  const consumerGroups = groups.filter((g) => g.protocolType === 'consumer' || g.protocolType === '').map((g) => g.groupId);
  if (groupId !== undefined) {
    if (consumerGroups.includes(groupId)) return [groupId];
    const known = consumerGroups.filter((id) => !isThrowawayGroup(id));
    throw new TributaryError('NOT_FOUND', `No consumer group ${groupId} on the broker; ${known.length > 0 ? `groups: ${formatKnownGroups(groupId, known)}` : 'there are no consumer groups'}.`);
  }
  return consumerGroups.filter((id) => all === true || !isThrowawayGroup(id)).sort();
};

/** State, members, committed offsets and the end offsets they are measured against, per group. */
export const snapshotGroups = async (kafka: Kafka, options: SnapshotOptions): Promise<GroupSnapshot[]> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groupIds = await chooseGroups(admin, options);
    if (groupIds.length === 0) return [];
    const { groups } = await admin.describeGroups(groupIds);
    const endsOf = new Map<string, Promise<GroupSnapshot['ends'][string] | undefined>>();
    const ends = (topic: string) => {
      let found = endsOf.get(topic);
      if (!found) {
        // A topic deleted since the group committed to it has no end: it is left out.
        found = admin.fetchTopicOffsets(topic).then(
          (offsets) => offsets.map(({ partition, high, low }) => ({ partition, high, low })),
          () => undefined,
        );
        endsOf.set(topic, found);
      }
      return found;
    };
    const snapshots = await Promise.all(
      groups.map(async (group) => {
        const members = group.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.clientHost, assignment: decodeAssignment(m.memberAssignment) }));
        const committed = (await admin.fetchOffsets({ groupId: group.groupId })).flatMap(({ topic, partitions }) => partitions.map(({ partition, offset }) => ({ topic, partition, offset })));
        const topics = new Set([...committed.map((c) => c.topic), ...members.flatMap((m) => Object.keys(m.assignment))]);
        const snapshot: GroupSnapshot = { groupId: group.groupId, state: group.state, members, committed, ends: {} };
        for (const topic of topics) {
          const offsets = await ends(topic);
          if (offsets) snapshot.ends[topic] = offsets;
        }
        return snapshot;
      }),
    );
    return snapshots.sort((a, b) => a.groupId.localeCompare(b.groupId));
  } catch (cause) {
    if (cause instanceof TributaryError) throw cause;
    throw new TributaryError('KAFKA_UNAVAILABLE', `Cannot read consumer groups from the broker: ${(cause as Error).message}`, { cause });
  } finally {
    await admin.disconnect();
  }
};
