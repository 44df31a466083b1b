import type { Admin } from 'kafkajs';
import { detectStalls, partitionKey, type PartitionObservation, type StallState } from '../stall.ts';
import type { StageContext } from './stage.ts';

type Assigned = { topic: string; partition: number };

export interface StallWatchOptions {
  admin: Pick<Admin, 'fetchTopicOffsets' | 'fetchOffsets'>;
  /** The partitions this member owns now. */
  assignment: () => readonly Assigned[];
  /** A paused partition waits on a dependency: it is not stalled, it is known to wait. */
  isPaused: (key: string) => boolean;
  stallAfterMs: number;
}

export interface StallWatch {
  /** Reads ends and commits once, updates the lag gauges, and reports partitions that stalled or moved again. */
  check(): Promise<void>;
  /** Partitions reported stalled and not moving since. */
  stalled(): Assigned[];
}

/** Where each owned partition ends and where the group stands on it. */
const observe = async (admin: StallWatchOptions['admin'], groupId: string, mine: readonly Assigned[]): Promise<PartitionObservation[]> => {
  const observations: PartitionObservation[] = [];
  for (const topic of new Set(mine.map((a) => a.topic))) {
    const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    for (const { partition } of mine.filter((a) => a.topic === topic)) {
      const range = ends.find((e) => e.partition === partition);
      const offset = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
      // No commit yet: the group starts from the beginning of what is retained.
      observations.push({ topic, partition, committed: BigInt(offset === '-1' ? (range?.low ?? '0') : offset), end: BigInt(range?.high ?? '0') });
    }
  }
  return observations;
};

/** Watches the owned partitions for lag that does not move: a stalled partition fails readiness. */
export const createStallWatch = (stage: StageContext, options: StallWatchOptions): StallWatch => {
  const { groupId, metrics, logger } = stage;
  let state: StallState = { since: new Map() };
  const reported = new Map<string, Assigned>();
  // Lag series this member set: one for a partition it no longer owns would show a stale lag next to the new owner's.
  const lagShown = new Map<string, Assigned>();
  const series = (topic: string, partition: number) => ({ group: groupId, topic, partition: String(partition) });

  const check = async (): Promise<void> => {
    const report = detectStalls(state, await observe(options.admin, groupId, options.assignment()), Date.now(), options.stallAfterMs);
    state = report.state;
    const owned = new Set<string>();
    for (const { topic, partition, lag } of report.lag) {
      metrics?.lag.set(series(topic, partition), Number(lag));
      owned.add(partitionKey(topic, partition));
      lagShown.set(partitionKey(topic, partition), { topic, partition });
    }
    for (const [key, { topic, partition }] of [...lagShown]) {
      if (owned.has(key)) continue;
      lagShown.delete(key);
      metrics?.lag.remove(series(topic, partition));
    }
    const stalledNow = new Set<string>();
    for (const stall of report.stalled) {
      const key = partitionKey(stall.topic, stall.partition);
      if (options.isPaused(key)) continue;
      stalledNow.add(key);
      metrics?.stalled.set(series(stall.topic, stall.partition), 1);
      if (reported.has(key)) continue;
      reported.set(key, { topic: stall.topic, partition: stall.partition });
      logger.warn('partition stalled: lag above zero and no progress', { groupId, topic: stall.topic, partition: stall.partition, lag: stall.lag.toString(), forMs: stall.forMs });
    }
    for (const [key, { topic, partition }] of [...reported]) {
      if (stalledNow.has(key)) continue;
      reported.delete(key);
      metrics?.stalled.set(series(topic, partition), 0);
      logger.info('partition moving again', { groupId, topic, partition });
    }
  };

  return { check, stalled: () => [...reported.values()] };
};

/** Runs a task every interval until stopped, each run scheduled after the previous one ends. */
export const every = (intervalMs: number, task: () => Promise<void>) => {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const loop = (): void => {
    timer = setTimeout(() => {
      void task().finally(() => {
        if (running) loop();
      });
    }, intervalMs);
  };
  return {
    start(): void {
      if (running || intervalMs <= 0) return;
      running = true;
      loop();
    },
    stop(): void {
      running = false;
      clearTimeout(timer);
    },
  };
};
