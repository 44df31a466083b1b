import type { KafkaMessage } from 'kafkajs';
import { deadLetterTopic, retryOriginHeaders, retryTopic, sourceTopicOf } from './dead-letter.ts';
import { readHeaders } from './envelope.ts';
import { eventTopic, type TopicSpec } from './topics.ts';

/**
 * Retry topics: `tributary dlq redrive` sends a parked record to `<topic>.retry.<groupId>` of the
 * group that parked it, so only that group sees it again. A consuming service reads its retry topic
 * of every topic it consumes beside the topic itself.
 */

/** What a group subscribes to: the topics it consumes, then its retry topic of each. */
export const withRetryTopics = (topics: readonly string[], groupId: string): string[] => [...topics, ...topics.map((topic) => retryTopic(topic, groupId))];

/**
 * The group's retry topics, with their source's partitions (a redriven record keeps its partition
 * number) and its unlimited retention (a redriven record waits for its group however long).
 */
export const retryTopicSpecs = (topics: readonly string[], groupId: string, settings: { topicPartitions: number; topicReplicationFactor: number }): TopicSpec[] =>
  topics.map((topic) => ({ ...eventTopic(retryTopic(topic, groupId), settings.topicPartitions, settings.topicReplicationFactor), partitionsLike: topic }));

/** Where a record that is being parked was first consumed: the dead-letter topic and provenance it is parked under. */
export interface RecordOrigin {
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
}

/**
 * A record of the group's retry topic is parked as the record it copies: in its source topic's
 * dead-letter topic, at the position its retry-original-* headers name. One without those headers
 * (not written by a redrive) is parked there too, under its own position in the retry topic.
 */
export const recordOrigin = (topic: string, partition: number, message: KafkaMessage, groupId: string): RecordOrigin => {
  const own = { originalTopic: topic, originalPartition: partition, originalOffset: message.offset };
  const source = sourceTopicOf(topic, groupId);
  if (source === topic) return own;
  const headers = readHeaders(message.headers);
  const originalPartition = Number(headers[retryOriginHeaders.partition]);
  const originalOffset = headers[retryOriginHeaders.offset];
  if (headers[retryOriginHeaders.topic] !== source || !Number.isInteger(originalPartition) || !originalOffset) return own;
  return { originalTopic: source, originalPartition, originalOffset };
};

/** The dead-letter topic a record of this origin is parked in: its source topic's, for one first consumed from a retry topic. */
export const parkingTopicOf = (origin: RecordOrigin, groupId: string): string => deadLetterTopic(sourceTopicOf(origin.originalTopic, groupId));
