export { createKafkaClient, type KafkaClientOptions } from './client.ts';
export { kafkaSecurity, type KafkaSecurity, type KafkaSecuritySettings } from './security.ts';
export { createConsumerRunner, type ConsumedEvent, type ConsumerRunner, type ConsumerRunnerOptions } from './consumer.ts';
export { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff.ts';
export { consumerMetrics, type ConsumerMetrics } from './consumer-metrics.ts';
export { consumerReadiness, type ConsumerHealth, type Readiness } from './readiness.ts';
export { detectStalls, partitionKey, type PartitionObservation, type StallReport, type StallState } from './stall.ts';
export { causedBy, createEnvelope, derivedEventId, envelopeHeaders, headerNames, newTraceparent, readHeaders, type Envelope } from './envelope.ts';
export { createEventProducer, type EventProducer, type OutgoingEvent, type PublishedRecord } from './producer.ts';
export {
  createTransactionalEventProducer,
  positionsOf,
  type ConsumedPosition,
  type TransactionalEventProducer,
  type TransactionalOutput,
} from './transactional-producer.ts';
export { claimInstanceSlot, defaultInstanceId, transactionalIdOf, type InstanceSlot } from './instance.ts';
export { ensureTopics, eventTopic, eventTopicConfig, type TopicSpec } from './topics.ts';
export {
  deadLetterHeaders,
  deadLetterMessage,
  deadLetterTopic,
  isDeadLetterTopic,
  readProvenance,
  redriveMessage,
  redrivenFromHeader,
  retryOriginHeaders,
  retryTopic,
  sourceTopicOf,
  type Provenance,
} from './dead-letter.ts';
export { parkingTopicOf, recordOrigin, retryTopicSpecs, withRetryTopics, type RecordOrigin } from './retry-topics.ts';
export { groupByKey, handlePerKey } from './per-key.ts';
export { runnerOptionsFrom, serviceTopics, type ConsumerSettings } from './runner-settings.ts';
export { keyPartitioner } from './partitioner.ts';
