import { setTimeout as sleep } from 'node:timers/promises';
import { testKafka } from '../support.ts';

export interface PartitionState {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/** Every partition of every topic, the internal ones included, as the cluster reports it now. */
export const partitionStates = async (topics?: readonly string[]): Promise<PartitionState[]> => {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const names = topics ?? (await admin.listTopics());
    const { topics: described } = await admin.fetchTopicMetadata({ topics: [...names] });
    return described.flatMap(({ name, partitions }) =>
      partitions.map((p) => ({ topic: name, partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr })),
    );
  } finally {
    await admin.disconnect();
  }
};

/** The node leading the most partitions of a topic (the lowest id among equals). */
export const busiestLeader = async (topic: string): Promise<number> => {
  const counts = new Map<number, number>();
  for (const { leader } of await partitionStates([topic])) counts.set(leader, (counts.get(leader) ?? 0) + 1);
  const [first] = [...counts].sort(([a, x], [b, y]) => y - x || a - b);
  if (!first) throw new Error(`${topic} has no partitions with a leader`);
  return first[0];
};

const behind = (states: readonly PartitionState[]): PartitionState[] => states.filter((state) => state.leader < 0 || state.isr.length < state.replicas.length);

/**
 * Waits until every partition has a leader and all its replicas in sync: the point where another
 * node may go without any partition dropping below min.insync.replicas.
 */
export const awaitFullyInSync = async (timeoutMs = 120_000): Promise<number> => {
  const since = Date.now();
  let lagging: PartitionState[] = [];
  while (Date.now() - since < timeoutMs) {
    lagging = behind(await partitionStates().catch(() => [{ topic: '?', partition: -1, leader: -1, replicas: [], isr: [] }]));
    if (lagging.length === 0) return Date.now() - since;
    await sleep(500);
  }
  throw new Error(`${lagging.length} partitions still not fully in sync after ${timeoutMs / 1000} s, e.g. ${JSON.stringify(lagging.slice(0, 3))}`);
};
