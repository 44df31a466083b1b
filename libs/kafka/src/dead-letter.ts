import { TributaryError } from '@tributary/errors';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { readHeaders } from './envelope.ts';

/** Poison records of `<topic>` are parked in `<topic>.dlq`, key, value and headers untouched. */
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;

export const isDeadLetterTopic = (topic: string): boolean => topic.endsWith('.dlq');

const retrySuffix = (groupId: string): string => `.retry.${groupId}`;

/** Kafka's own limits on topic names: a retry topic name includes the group id, so the group must fit them. */
const topicNamePattern = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * A parked record is redriven to `<topic>.retry.<groupId>`, which only that consumer group reads:
 * the groups that handled the record the first time never see it again.
 */
export const retryTopic = (topic: string, groupId: string): string => {
  const name = `${topic}${retrySuffix(groupId)}`;
  if (!topicNamePattern.test(name)) {
    throw new TributaryError('CONFIG_INVALID', `Consumer group ${JSON.stringify(groupId)} cannot name the retry topic of ${topic}: ${JSON.stringify(name)} is not a Kafka topic name (letters, digits, '.', '_' and '-', at most 249 characters). Rename the group.`);
  }
  return name;
};

/** The topic a record of the group's retry topic first came from; any other topic is its own source. */
export const sourceTopicOf = (topic: string, groupId: string): string => {
  const suffix = retrySuffix(groupId);
  return topic.endsWith(suffix) && topic.length > suffix.length ? topic.slice(0, -suffix.length) : topic;
};

/** Provenance headers added to a parked record: where it came from and why it was parked. */
export const deadLetterHeaders = {
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  consumerGroup: 'dlq-consumer-group',
  errorCode: 'dlq-error-code',
  errorMessage: 'dlq-error-message',
  attempts: 'dlq-attempts',
  firstFailureAt: 'dlq-first-failure-at',
  deadLetteredAt: 'dlq-dead-lettered-at',
} as const;

/** Set on a redriven record, naming the parked copy it came from. */
export const redrivenFromHeader = 'redriven-from';

/**
 * Set on a redriven record: where it was first consumed. Should it fail again, it is parked in that
 * topic's dead-letter topic under that position, as if it had never left its topic.
 */
export const retryOriginHeaders = {
  topic: 'retry-original-topic',
  partition: 'retry-original-partition',
  offset: 'retry-original-offset',
} as const;

export interface Provenance {
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  consumerGroup: string;
  errorCode: string;
  errorMessage: string;
  attempts: number;
  firstFailureAt: string;
  deadLetteredAt: string;
}

export const deadLetterMessage = (original: KafkaMessage, provenance: Provenance): Message => ({
  key: original.key,
  value: original.value,
  headers: {
    ...original.headers,
    [deadLetterHeaders.originalTopic]: provenance.originalTopic,
    [deadLetterHeaders.originalPartition]: String(provenance.originalPartition),
    [deadLetterHeaders.originalOffset]: provenance.originalOffset,
    [deadLetterHeaders.consumerGroup]: provenance.consumerGroup,
    [deadLetterHeaders.errorCode]: provenance.errorCode,
    // Headers are not a log: keep the message short enough to read in a terminal.
    [deadLetterHeaders.errorMessage]: provenance.errorMessage.slice(0, 1_000),
    [deadLetterHeaders.attempts]: String(provenance.attempts),
    [deadLetterHeaders.firstFailureAt]: provenance.firstFailureAt,
    [deadLetterHeaders.deadLetteredAt]: provenance.deadLetteredAt,
  },
});

/** The provenance of a parked record, or undefined when its headers do not carry one. */
export const readProvenance = (headers: IHeaders | undefined): Provenance | undefined => {
  const h = readHeaders(headers);
  const topic = h[deadLetterHeaders.originalTopic];
  const partition = Number(h[deadLetterHeaders.originalPartition]);
  const offset = h[deadLetterHeaders.originalOffset];
  if (!topic || !Number.isInteger(partition) || !offset) return undefined;
  return {
    originalTopic: topic,
    originalPartition: partition,
    originalOffset: offset,
    consumerGroup: h[deadLetterHeaders.consumerGroup] ?? '',
    errorCode: h[deadLetterHeaders.errorCode] ?? '',
    errorMessage: h[deadLetterHeaders.errorMessage] ?? '',
    attempts: Number(h[deadLetterHeaders.attempts] ?? '1'),
    firstFailureAt: h[deadLetterHeaders.firstFailureAt] ?? '',
    deadLetteredAt: h[deadLetterHeaders.deadLetteredAt] ?? '',
  };
};

/**
 * The record to send to its group's retry topic: original key, value and headers, plus where it
 * was parked and where it was first consumed.
 */
export const redriveMessage = (parked: KafkaMessage, dlqTopic: string, partition: number): Message => {
  const headers: IHeaders = {};
  const replaced = new Set<string>([...Object.values(deadLetterHeaders), ...Object.values(retryOriginHeaders)]);
  for (const [name, value] of Object.entries(parked.headers ?? {})) {
    if (!replaced.has(name) && value !== undefined) headers[name] = value;
  }
  headers[redrivenFromHeader] = `${dlqTopic}:${partition}:${parked.offset}`;
  const provenance = readProvenance(parked.headers);
  if (provenance) {
    headers[retryOriginHeaders.topic] = provenance.originalTopic;
    headers[retryOriginHeaders.partition] = String(provenance.originalPartition);
    headers[retryOriginHeaders.offset] = provenance.originalOffset;
  }
  return { key: parked.key, value: parked.value, headers };
};
