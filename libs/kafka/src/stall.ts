/** One partition as seen by a periodic check: where the group is, and where the partition ends. */
export interface PartitionObservation {
  topic: string;
  partition: number;
  committed: bigint;
  end: bigint;
}

export interface StallState {
  /** Committed offset last seen per partition, and since when it has not moved. */
  readonly since: ReadonlyMap<string, { committed: bigint; at: number }>;
}

export interface StallReport {
  state: StallState;
  lag: { topic: string; partition: number; lag: bigint }[];
  stalled: { topic: string; partition: number; lag: bigint; forMs: number }[];
}

export const partitionKey = (topic: string, partition: number): string => `${topic}:${partition}`;

/**
 * A partition is stalled when it has lag and its committed offset has not moved for `stallAfterMs`:
 * assigned but making no progress, which a consumer that only logs errors would never notice.
 */
export const detectStalls = (previous: StallState, observations: readonly PartitionObservation[], now: number, stallAfterMs: number): StallReport => {
  const since = new Map<string, { committed: bigint; at: number }>();
  const lag: StallReport['lag'] = [];
  const stalled: StallReport['stalled'] = [];
  for (const { topic, partition, committed, end } of observations) {
    const key = partitionKey(topic, partition);
    const behind = end > committed ? end - committed : 0n;
    lag.push({ topic, partition, lag: behind });
    const before = previous.since.get(key);
    const at = before && before.committed === committed ? before.at : now;
    since.set(key, { committed, at });
    if (behind > 0n && now - at >= stallAfterMs) stalled.push({ topic, partition, lag: behind, forMs: now - at });
  }
  return { state: { since }, lag, stalled };
};
