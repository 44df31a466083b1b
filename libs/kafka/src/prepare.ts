import type { AvroCodec } from '@tributary/avro';
import { TributaryError, isTributaryError } from '@tributary/errors';
import { Partitioners, type Kafka, type Message, type PartitionMetadata } from 'kafkajs';
import { createEnvelope, envelopeHeaders, type Envelope } from './envelope.ts';

export interface OutgoingEvent {
  key: string;
  eventType: string;
  payload: unknown;
  /** Correlation and causation carried over from what caused this event. */
  context?: Partial<Pick<Envelope, 'correlationId' | 'causationId' | 'traceparent' | 'occurredAt' | 'eventId'>>;
  version?: number;
}

/** Which partition the key goes to: murmur2 as the Java client, so every producer of a topic agrees. */
const choosePartition = Partitioners.DefaultPartitioner();

export type Prepared = { envelope: Envelope; message: Message & { partition: number; key: string } };

/** Encodes events and picks their partitions; one invalid event fails the whole call before any send. */
export const createPreparer = (kafka: Kafka, codec: AvroCodec, producerName: string) => {
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
    return Promise.all(
      events.map(async (event) => {
        const envelope = createEnvelope(event.eventType, producerName, event.context);
        const value = await codec.encode(topic, event.eventType, event.payload, event.version === undefined ? {} : { version: event.version });
        const partition = choosePartition({ topic, partitionMetadata: partitions, message: { key: event.key, value } });
        return { envelope, message: { key: event.key, value, partition, headers: envelopeHeaders(envelope) } };
      }),
    );
  };
  return { admin, prepare };
};

/** Errors from the client become KAFKA_UNAVAILABLE naming the topic; our own pass through. */
export const asKafkaUnavailable = (topic: string, cause: unknown): TributaryError =>
  isTributaryError(cause) ? cause : new TributaryError('KAFKA_UNAVAILABLE', `Could not produce to ${topic}: ${(cause as Error).message}`, { cause });
