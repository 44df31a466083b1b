import { partitionKey } from './stall.ts';

export interface PauseKeeperOptions {
  /** How often a paused partition asks its probe. */
  probeIntervalMs: number;
  /** A probe still unanswered after this long counts as failed, so a hung call cannot keep a partition paused for good. */
  probeTimeoutMs: number;
  /** Called after every change of the paused set, with the topic that changed (for the gauge). */
  changed?: (topic: string) => void;
  resumed?: (topic: string, partition: number) => void;
}

export interface PauseKeeper {
  /**
   * Keeps a partition paused until `probe` passes, then calls `resume`. A partition paused again
   * while it waits keeps one probe loop: the newest probe decides, and every resume given since
   * is called, so the consumer generation that paused it last is resumed whatever happened between.
   */
  hold(topic: string, partition: number, resume: () => void, probe: () => Promise<boolean>, firstCheckAfterMs?: number): void;
  /**
   * After a rebalance: partitions no longer assigned are resumed without waiting for their probe.
   * Left paused, they would count in the gauge of a member that no longer owns them; if one comes
   * back while its dependency is still down, its first batch pauses it again.
   */
  keepOnly(assigned: ReadonlySet<string>): void;
  /** Paused partitions as `topic:partition`. */
  readonly paused: ReadonlySet<string>;
  count(topic: string): number;
  /** Ends every probe loop; nothing is resumed afterwards. */
  stop(): void;
}

interface Held {
  topic: string;
  partition: number;
  resumes: (() => void)[];
  probe: () => Promise<boolean>;
  /** Bumped by every hold: a probe answer given for an earlier one does not resume a newer pause. */
  version: number;
  timer?: NodeJS.Timeout;
}

const answerWithin = async (probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      probe().catch(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

export const createPauseKeeper = ({ probeIntervalMs, probeTimeoutMs, changed, resumed }: PauseKeeperOptions): PauseKeeper => {
  const held = new Map<string, Held>();
  const paused = new Set<string>();
  let stopped = false;

  const schedule = (key: string, entry: Held, delayMs: number): void => {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => void check(key, entry), delayMs);
  };

  const resumeAll = (key: string, entry: Held): void => {
    clearTimeout(entry.timer);
    held.delete(key);
    paused.delete(key);
    changed?.(entry.topic);
    for (const resume of entry.resumes) {
      try {
        resume();
      } catch {
        // A generation that is gone has nothing to resume; the newest one is resumed all the same.
      }
    }
    resumed?.(entry.topic, entry.partition);
  };

  const check = async (key: string, entry: Held): Promise<void> => {
    if (stopped || held.get(key) !== entry) return;
    const asked = entry.version;
    const healthy = await answerWithin(entry.probe, probeTimeoutMs);
    if (stopped || held.get(key) !== entry) return;
    if (!healthy || entry.version !== asked) {
      // Paused again while the probe ran: ask the newest probe before resuming.
      schedule(key, entry, entry.version !== asked ? 0 : probeIntervalMs);
      return;
    }
    resumeAll(key, entry);
  };

  return {
    hold(topic, partition, resume, probe, firstCheckAfterMs = probeIntervalMs) {
      if (stopped) return;
      const key = partitionKey(topic, partition);
      const entry = held.get(key);
      if (entry) {
        entry.resumes.push(resume);
        entry.probe = probe;
        entry.version += 1;
        return;
      }
      const fresh: Held = { topic, partition, resumes: [resume], probe, version: 0 };
      held.set(key, fresh);
      paused.add(key);
      changed?.(topic);
      schedule(key, fresh, firstCheckAfterMs);
    },
    keepOnly(assigned) {
      for (const [key, entry] of [...held]) if (!assigned.has(key)) resumeAll(key, entry);
    },
    paused,
    count: (topic) => [...paused].filter((key) => key.startsWith(`${topic}:`) && key.lastIndexOf(':') === topic.length).length,
    stop() {
      stopped = true;
      for (const entry of held.values()) clearTimeout(entry.timer);
      held.clear();
      paused.clear();
    },
  };
};
