import type { TributaryError } from '@tributary/errors';
import type { KafkaMessage, Producer } from 'kafkajs';
import { deadLetterMessage } from '../dead-letter.ts';
import { headerNames, readHeaders } from '../envelope.ts';
import { parkingTopicOf, recordOrigin } from '../retry-topics.ts';
import type { StageContext } from './stage.ts';

export interface Failure {
  error: TributaryError;
  attempts: number;
  firstFailureAt: Date;
}

export type Park = (topic: string, partition: number, message: KafkaMessage, failure: Failure) => Promise<void>;

/**
 * Parks a record in its original topic's dead-letter topic, with its provenance (where it came from, which
 * group failed it, why and how often), and waits for every replica to have it before the runner
 * commits past it.
 */
export const createParker = (stage: StageContext, producer: Pick<Producer, 'send'>): Park => async (topic, partition, message, { error, attempts, firstFailureAt }) => {
  const { groupId, metrics, logger } = stage;
  const headers = readHeaders(message.headers);
  // A record redriven to this group's retry topic is parked again under its first position.
  const origin = recordOrigin(topic, partition, message, groupId);
  const destination = parkingTopicOf(origin, groupId);
  await producer.send({
    topic: destination,
    acks: -1,
    messages: [
      deadLetterMessage(message, {
        ...origin,
        consumerGroup: groupId,
        errorCode: error.code,
        errorMessage: error.message,
        attempts,
        firstFailureAt: firstFailureAt.toISOString(),
        deadLetteredAt: new Date().toISOString(),
      }),
    ],
  });
  metrics?.deadLettered.inc({ group: groupId, topic, code: error.code });
  logger.warn('parked a record in the dead-letter topic', {
    groupId,
    topic,
    partition,
    offset: message.offset,
    code: error.code,
    reason: error.message,
    eventId: headers[headerNames.eventId],
    correlationId: headers[headerNames.correlationId],
    deadLetterTopic: destination,
  });
};
