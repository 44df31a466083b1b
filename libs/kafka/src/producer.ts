import type { AvroCodec } from '@tributary/avro';
import { TributaryError, isTributaryError } from '@tributary/errors';
import { Partitioners, type Kafka, type PartitionMetadata, type RecordMetadata } from 'kafkajs';
import { createEnvelope, envelopeHeaders, type Envelope } from './envelope.ts';

export interface OutgoingEvent {
  key: string;
  eventType: string;
  payload: unknown;
  /** Correlation and causation carried over from what caused this event. */
  context?: Partial<Pick<Envelope, 'correlationId' | 'causationId' | 'traceparent' | 'occurredAt' | 'eventId'>>;
  version?: number;
}

export interface PublishedRecord {
  topic: string;
  partition: number;
  offset: string;
  eventId: string;
}

export interface EventProducer {
  connect(): Promise<void>;
  /** Encodes every event first, so one invalid event means nothing of the call is sent. */
  publish(topic: string, events: readonly OutgoingEvent[]): Promise<PublishedRecord[]>;
  disconnect(): Promise<void>;
  readonly connected: boolean;
}

/** Which partition the key goes to: murmur2 as the Java client, so every producer of a topic agrees. */
const choosePartition = Partitioners.DefaultPartitioner();

export const createEventProducer = ({ kafka, codec, producerName }: { kafka: Kafka; codec: AvroCodec; producerName: string }): EventProducer => {
  // Idempotent with acks=all: a retried send after a lost ack never writes a record twice.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  // Partitions are chosen here rather than inside kafkajs, so each record's offset can be reported.
  const admin = kafka.admin();
  const partitionsOf = new Map<string, Promise<PartitionMetadata[]>>();
  let connected = false;
  producer.on(producer.events.CONNECT, () => {
    connected = true;
  });
  producer.on(producer.events.DISCONNECT, () => {
    connected = false;
  });

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

  return {
    get connected() {
      return connected;
    },
    async connect() {
      await Promise.all([producer.connect(), admin.connect()]);
    },
    async disconnect() {
      await Promise.all([producer.disconnect(), admin.disconnect()]);
    },
    async publish(topic, events) {
      const partitions = await partitionMetadata(topic);
      const messages = await Promise.all(
        events.map(async (event) => {
          const envelope = createEnvelope(event.eventType, producerName, event.context);
          const value = await codec.encode(topic, event.eventType, event.payload, event.version === undefined ? {} : { version: event.version });
          const partition = choosePartition({ topic, partitionMetadata: partitions, message: { key: event.key, value } });
          return { envelope, message: { key: event.key, value, partition, headers: envelopeHeaders(envelope) } };
        }),
      );
      let metadata: RecordMetadata[];
      try {
        metadata = await producer.send({ topic, acks: -1, messages: messages.map((m) => m.message) });
      } catch (cause) {
        if (isTributaryError(cause)) throw cause;
        throw new TributaryError('KAFKA_UNAVAILABLE', `Could not produce to ${topic}: ${(cause as Error).message}`, { cause });
      }
      // kafkajs reports a base offset per partition; a partition's records follow it in send order.
      const next = new Map(metadata.map((m) => [m.partition, BigInt(m.baseOffset ?? '-1')]));
      return messages.map(({ envelope, message }) => {
        const offset = next.get(message.partition) ?? -1n;
        if (offset >= 0n) next.set(message.partition, offset + 1n);
        return { topic, partition: message.partition, offset: offset.toString(), eventId: envelope.eventId };
      });
    },
  };
};
