import type { BackoffPolicy } from './backoff.ts';
import { deadLetterTopic } from './dead-letter.ts';
import { retryTopicSpecs } from './retry-topics.ts';
import { eventTopic, type TopicSpec } from './topics.ts';

/** The consumer settings every consuming service reads (libs/config's consumerSettings). */
export interface ConsumerSettings {
  consumerSessionTimeoutMs: number;
  consumerConcurrency: number;
  consumerRetryAttempts: number;
  consumerRetryInitialMs: number;
  consumerRetryMaxMs: number;
  consumerStallAfterMs: number;
}

/** The runner's options that come from settings, the same way in every service. */
export const runnerOptionsFrom = (settings: ConsumerSettings): { sessionTimeoutMs: number; partitionsConsumedConcurrently: number; retry: BackoffPolicy; stallAfterMs: number } => ({
  sessionTimeoutMs: settings.consumerSessionTimeoutMs,
  partitionsConsumedConcurrently: settings.consumerConcurrency,
  retry: { attempts: settings.consumerRetryAttempts, initialDelayMs: settings.consumerRetryInitialMs, maxDelayMs: settings.consumerRetryMaxMs },
  stallAfterMs: settings.consumerStallAfterMs,
});

/**
 * Event topics a service uses, with a dead-letter topic for each one it consumes and, given the
 * consumer group, that group's retry topic of each (created with its source's partitions).
 */
export const serviceTopics = (
  { consumes, produces = [], groupId }: { consumes: readonly string[]; produces?: readonly string[]; groupId?: string },
  settings: { topicPartitions: number; topicReplicationFactor: number },
): TopicSpec[] => [
  ...[...new Set([...consumes, ...produces, ...consumes.map(deadLetterTopic)])].map((topic) => eventTopic(topic, settings.topicPartitions, settings.topicReplicationFactor)),
  ...(groupId === undefined ? [] : retryTopicSpecs([...new Set(consumes)], groupId, settings)),
];
