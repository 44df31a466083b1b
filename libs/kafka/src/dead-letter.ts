import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { readHeaders } from './envelope.ts';

/** Poison records of `<topic>` are parked in `<topic>.dlq`, key, value and headers untouched. */
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;

export const isDeadLetterTopic = (topic: string): boolean => topic.endsWith('.dlq');

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

/** Set on a record sent back to its topic, naming the parked copy it came from. */
export const redrivenFromHeader = 'redriven-from';

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

/** The record to send back to its topic: original key, value and headers, plus where it was parked. */
export const redriveMessage = (parked: KafkaMessage, dlqTopic: string, partition: number): Message => {
  const headers: IHeaders = {};
  const dlqNames = new Set<string>(Object.values(deadLetterHeaders));
  for (const [name, value] of Object.entries(parked.headers ?? {})) {
    if (!dlqNames.has(name) && value !== undefined) headers[name] = value;
  }
  headers[redrivenFromHeader] = `${dlqTopic}:${partition}:${parked.offset}`;
  return { key: parked.key, value: parked.value, headers };
};
