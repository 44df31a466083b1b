import type { AvroCodec } from '@tributary/avro';
import { counter, type MetricsRegistry } from '@tributary/metrics';
import { TributaryError, isTributaryError } from '@tributary/errors';
import { context, type Span, type Tracer } from '@opentelemetry/api';
import { contextFromTraceparent, endSpan, noTracing, startPublishSpan, traceparentOf } from '@tributary/tracing';
import type { Kafka, Message, PartitionMetadata } from 'kafkajs';
import { createEnvelope, envelopeHeaders, type Envelope } from './envelope.ts';
import { keyPartitioner } from './partitioner.ts';

export interface OutgoingEvent {
  key: string;
  eventType: string;
  payload: unknown;
  /** Correlation and causation carried over from what caused this event. */
  context?: Partial<Pick<Envelope, 'correlationId' | 'causationId' | 'traceparent' | 'occurredAt' | 'eventId'>>;
  version?: number;
}

/** Which partition the key goes to: murmur2 as the Java client, so every producer of a topic agrees. */
const choosePartition = keyPartitioner();

/** An encoded event with its partition, and its publish span, ended once Kafka has it (or it failed). */
export type Prepared = { envelope: Envelope; message: Message & { partition: number; key: string }; span: Span };

/**
 * The event's publish span: a child of its cause's trace when the event names one (a saga step's
 * output carries the consumed record's), else of the active span (the HTTP request that placed it).
 * The record carries this span's traceparent, so the next hop's span is its child.
 */
const publishSpanOf = (tracer: Tracer, topic: string, event: OutgoingEvent): Span => {
  const cause = event.context?.traceparent;
  return startPublishSpan(tracer, { topic, key: event.key, eventType: event.eventType }, cause === undefined ? context.active() : contextFromTraceparent(cause));
};

/** Ends the spans of records Kafka has, with where each landed. */
export const endPublishSpans = (records: readonly { prepared: Prepared; offset?: string }[], error?: unknown): void => {
  for (const { prepared, offset } of records) {
    prepared.span.setAttribute('messaging.destination.partition.id', String(prepared.message.partition));
    if (offset !== undefined && offset !== '-1') prepared.span.setAttribute('messaging.kafka.offset', Number(offset));
    endSpan(prepared.span, error);
  }
};

/** Encodes events and picks their partitions; one invalid event fails the whole call before any send. */
export const createPreparer = (kafka: Kafka, codec: AvroCodec, producerName: string, tracer: Tracer = noTracing.tracer) => {
  // Partitions are chosen here rather than inside kafkajs, so each record's offset can be reported.
  const admin = kafka.admin();
  const partitionsOf = new Map<string, Promise<PartitionMetadata[]>>();
  const partitionMetadata = (topic: string): Promise<PartitionMetadata[]> => {
    let metadata = partitionsOf.get(topic);
    if (!metadata) {
      metadata = admin.fetchTopicMetadata({ topics: [topic] }).then(
        ({ topics }) => topics[0]?.partitions ?? [],
        (cause: unknown) => {
          partitionsOf.delete(topic);
          throw new TributaryError('KAFKA_UNAVAILABLE', `Cannot read the partitions of topic ${topic} (does it exist?): ${(cause as Error).message}`, { cause });
        },
      );
      partitionsOf.set(topic, metadata);
    }
    return metadata;
  };
  const prepare = async (topic: string, events: readonly OutgoingEvent[]): Promise<Prepared[]> => {
    const partitions = await partitionMetadata(topic);
    const settled = await Promise.allSettled(
      events.map(async (event) => {
        const span = publishSpanOf(tracer, topic, event);
        try {
          const envelope = createEnvelope(event.eventType, producerName, { ...event.context, traceparent: traceparentOf(span) ?? event.context?.traceparent });
          const value = await codec.encode(topic, event.eventType, event.payload, event.version === undefined ? {} : { version: event.version });
          const partition = choosePartition({ topic, partitionMetadata: partitions, message: { key: event.key, value } });
          return { envelope, message: { key: event.key, value, partition, headers: envelopeHeaders(envelope) }, span };
        } catch (error) {
          endSpan(span, error);
          throw error;
        }
      }),
    );
    const failed = settled.find((result) => result.status === 'rejected');
    const prepared = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    if (!failed) return prepared;
    // Nothing of the call is sent: the valid events' spans end with the reason.
    endPublishSpans(prepared.map((one) => ({ prepared: one })), failed.reason);
    throw failed.reason;
  };
  return { admin, prepare };
};

/** Errors from the client become KAFKA_UNAVAILABLE naming the topic; our own pass through. */
export const asKafkaUnavailable = (topic: string, cause: unknown): TributaryError =>
  isTributaryError(cause) ? cause : new TributaryError('KAFKA_UNAVAILABLE', `Could not produce to ${topic}: ${(cause as Error).message}`, { cause });

/**
 * Sends that failed after kafkajs's own retries, per topic: what a producer alert watches. A
 * topic's series starts at zero when it is first published to, so the first failure shows as an
 * increase.
 */
export const sendErrorCounter = (metrics: MetricsRegistry | undefined) => {
  const errors = metrics && counter(metrics, 'producer_send_errors_total', 'Produce requests and transactions that failed after the client\'s own retries, per topic', ['topic']);
  const seen = new Set<string>();
  return {
    publishing(topic: string): void {
      if (!errors || seen.has(topic)) return;
      seen.add(topic);
      errors.inc({ topic }, 0);
    },
    failed(topics: Iterable<string>): void {
      for (const topic of topics) errors?.inc({ topic });
    },
  };
};
