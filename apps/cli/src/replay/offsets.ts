import type { Admin } from 'kafkajs';

/**
 * Offsets by partition, keyed "topic:partition" (Kafka topic names cannot contain a colon). An
 * offset is the position of the next record to read, as Kafka's committed offsets are.
 */
export type Offsets = Map<string, bigint>;

export const partitionKey = (topic: string, partition: number): string => `${topic}:${partition}`;

export const splitKey = (key: string): { topic: string; partition: number } => {
  const at = key.lastIndexOf(':');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
};

export interface TopicBounds {
  /** First retained offset per partition. */
  readonly low: Offsets;
  /** End per partition: the last stable offset, what a read-committed consumer reaches. */
  readonly high: Offsets;
}

export const fetchBounds = async (admin: Admin, topics: readonly string[]): Promise<TopicBounds> => {
  const low: Offsets = new Map();
  const high: Offsets = new Map();
  for (const topic of topics) {
    for (const { partition, offset, low: first } of await admin.fetchTopicOffsets(topic)) {
      low.set(partitionKey(topic, partition), BigInt(first));
      high.set(partitionKey(topic, partition), BigInt(offset));
    }
  }
  return { low, high };
};

/** Per partition, the first offset at or after the time; the end when nothing is that recent. */
export const offsetsAt = async (admin: Admin, topics: readonly string[], at: Date, bounds: TopicBounds): Promise<Offsets> => {
  const found: Offsets = new Map();
  for (const topic of topics) {
    for (const { partition, offset } of await admin.fetchTopicOffsetsByTimestamp(topic, at.getTime())) {
      const key = partitionKey(topic, partition);
      const value = BigInt(offset);
      found.set(key, value < 0n ? (bounds.high.get(key) ?? 0n) : value);
    }
  }
  return found;
};

/** A group's committed offsets on the topics; partitions it never committed are absent. */
export const committedOffsets = async (admin: Admin, groupId: string, topics: readonly string[]): Promise<Offsets> => {
  const found: Offsets = new Map();
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
    for (const { partition, offset } of partitions) if (offset !== '-1') found.set(partitionKey(topic, partition), BigInt(offset));
  }
  return found;
};

/** Records between two sets of offsets (control records of transactions count too: an estimate). */
export const countBetween = (from: Offsets, to: Offsets): bigint => {
  let total = 0n;
  for (const [key, end] of to) {
    const start = from.get(key) ?? 0n;
    if (end > start) total += end - start;
  }
  return total;
};

/** True when every partition of `target` is reached by `position`. */
export const reaches = (position: Offsets, target: Offsets): boolean =>
  [...target].every(([key, end]) => (position.get(key) ?? 0n) >= end);

export const maxOffsets = (a: Offsets, b: Offsets): Offsets => {
  const merged = new Map(a);
  for (const [key, value] of b) if (value > (merged.get(key) ?? -1n)) merged.set(key, value);
  return merged;
};
