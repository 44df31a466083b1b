import type { Logger } from '@tributary/logger';
import type { Kafka } from 'kafkajs';

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
        waitForLeaders: true,
        topics: missing.map((spec) => ({
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor,
          configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
      logger?.info('created topics', { topics: missing.map((spec) => spec.name) });
    }
    return missing.map((spec) => spec.name);
  } finally {
    await admin.disconnect();
  }
};
