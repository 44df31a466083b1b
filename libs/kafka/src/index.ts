export { createKafkaClient, type KafkaClientOptions } from './client.ts';
export { createConsumerRunner, type ConsumedEvent, type ConsumerRunner, type ConsumerRunnerOptions, type SkippedRecord } from './consumer.ts';
export { createEnvelope, envelopeHeaders, headerNames, newTraceparent, readHeaders, type Envelope } from './envelope.ts';
export { createEventProducer, type EventProducer, type OutgoingEvent, type PublishedRecord } from './producer.ts';
export { ensureTopics, eventTopic, eventTopicConfig, type TopicSpec } from './topics.ts';
export {
  deadLetterHeaders,
  deadLetterMessage,
  deadLetterTopic,
  isDeadLetterTopic,
  readProvenance,
  redriveMessage,
  redrivenFromHeader,
  type Provenance,
} from './dead-letter.ts';
