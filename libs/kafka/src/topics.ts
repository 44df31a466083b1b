import type { Logger } from '@tributary/logger';
import { setTimeout as sleep } from 'node:timers/promises';
import { TributaryError } from '@tributary/errors';
import type { Admin, Kafka } from 'kafkajs';

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  config?: Record<string, string>;
}

/** Event topics keep their data: replaying them is how read models are rebuilt. */
export const eventTopicConfig: Record<string, string> = { 'retention.ms': '-1', 'cleanup.policy': 'delete' };

export const eventTopic = (name: string, partitions: number, replicationFactor: number): TopicSpec => ({
  name,
  partitions,
  replicationFactor,
  config: eventTopicConfig,
});

/**
 * Creates the topics that do not exist yet. Brokers should not auto-create topics: a topic made
 * by a stray consumer gets the broker's default partitions and retention, not ours.
 */
export const ensureTopics = async (kafka: Kafka, specs: readonly TopicSpec[], logger?: Logger): Promise<string[]> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.name));
    if (missing.length > 0) {
      await admin.createTopics({
        // Leaders are awaited below: kafkajs's own wait fails on a fresh broker that does not know
        // the topic yet ("does not host this topic-partition") instead of retrying.
        waitForLeaders: false,
        topics: missing.map((spec) => ({
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor,
          configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
      await awaitLeaders(admin, missing.map((spec) => spec.name));
      logger?.info('created topics', { topics: missing.map((spec) => spec.name) });
    }
    return missing.map((spec) => spec.name);
  } finally {
    await admin.disconnect();
  }
};

/** Polls metadata until every partition of the topics has a leader, or fails after the timeout. */
const awaitLeaders = async (admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const ready = metadata.topics.length === topics.length && metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      if (ready) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(200);
  }
  throw new TributaryError('KAFKA_UNAVAILABLE', `Topics ${topics.join(', ')} were created but have no partition leaders after ${timeoutMs / 1000} s${lastError instanceof Error ? `: ${lastError.message}` : ''}`, {
    cause: lastError,
  });
};
