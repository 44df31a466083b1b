import type { Logger } from '@tributary/logger';
import { setTimeout as sleep } from 'node:timers/promises';
import { TributaryError } from '@tributary/errors';
import type { Admin, Kafka } from 'kafkajs';

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  config?: Record<string, string>;
  /**
   * Create the topic with as many partitions as this one has (created first when it is in the same
   * call), so a key lands on the same partition number in both; `partitions` if it does not exist.
   */
  partitionsLike?: string;
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
/**
 * On a cluster a topic another service has just created is known to the controller before every
 * broker: creating it again, or reading its metadata from a broker that has not heard of it yet,
 * fails for a moment. Asking again, the topic counts as existing.
 */
const passingRace = /does not host this topic-partition|already exists|Topic creation errors/i;

export const ensureTopics = async (kafka: Kafka, specs: readonly TopicSpec[], logger?: Logger): Promise<string[]> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await ensureTopicsOnce(kafka, specs, logger);
    } catch (error) {
      const said = `${(error as Error).message ?? ''} ${JSON.stringify((error as { errors?: unknown }).errors ?? '')}`;
      if (attempt >= 10 || !passingRace.test(said)) throw error;
      await sleep(300 * attempt);
    }
  }
};

const ensureTopicsOnce = async (kafka: Kafka, specs: readonly TopicSpec[], logger?: Logger): Promise<string[]> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.name));
    // Topics that copy another's partition count wait for it to exist.
    await createTopics(admin, missing.filter((spec) => spec.partitionsLike === undefined));
    await createTopics(admin, await withCopiedPartitions(admin, missing.filter((spec) => spec.partitionsLike !== undefined)));
    if (missing.length > 0) logger?.info('created topics', { topics: missing.map((spec) => spec.name) });
    return missing.map((spec) => spec.name);
  } finally {
    await admin.disconnect();
  }
};

const createTopics = async (admin: Admin, specs: readonly TopicSpec[]): Promise<void> => {
  if (specs.length === 0) return;
  await admin.createTopics({
    // Leaders are awaited below: kafkajs's own wait fails on a fresh broker that does not know
    // the topic yet ("does not host this topic-partition") instead of retrying.
    waitForLeaders: false,
    topics: specs.map((spec) => ({
      topic: spec.name,
      numPartitions: spec.partitions,
      replicationFactor: spec.replicationFactor,
      configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
    })),
  });
  await awaitLeaders(admin, specs.map((spec) => spec.name));
};

/** The specs with the partition count of the topic each copies, where that topic exists. */
const withCopiedPartitions = async (admin: Admin, specs: readonly TopicSpec[]): Promise<TopicSpec[]> => {
  if (specs.length === 0) return [];
  const existing = new Set(await admin.listTopics());
  const sources = [...new Set(specs.flatMap((spec) => (spec.partitionsLike !== undefined && existing.has(spec.partitionsLike) ? [spec.partitionsLike] : [])))];
  const { topics } = sources.length > 0 ? await admin.fetchTopicMetadata({ topics: sources }) : { topics: [] };
  const counts = new Map(topics.map((topic) => [topic.name, topic.partitions.length]));
  return specs.map((spec) => ({ ...spec, partitions: counts.get(spec.partitionsLike ?? '') || spec.partitions }));
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
