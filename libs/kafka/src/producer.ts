import type { AvroCodec } from '@tributary/avro';
import { TributaryError, isTributaryError } from '@tributary/errors';
import { Partitioners, type Kafka, type RecordMetadata } from 'kafkajs';
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

export const createEventProducer = ({ kafka, codec, producerName }: { kafka: Kafka; codec: AvroCodec; producerName: string }): EventProducer => {
  // Idempotent with acks=all: a retried send after a lost ack never writes a record twice.
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // Murmur2 on the key, as the Java client: every producer of a topic puts a key on one partition.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let connected = false;
  producer.on(producer.events.CONNECT, () => {
    connected = true;
  });
  producer.on(producer.events.DISCONNECT, () => {
    connected = false;
  });

  return {
    get connected() {
      return connected;
    },
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    async publish(topic, events) {
      const messages = await Promise.all(
        events.map(async (event) => {
          const envelope = createEnvelope(event.eventType, producerName, event.context);
          const value = await codec.encode(topic, event.eventType, event.payload, event.version === undefined ? {} : { version: event.version });
          return { envelope, message: { key: event.key, value, headers: envelopeHeaders(envelope) } };
        }),
      );
      let metadata: RecordMetadata[];
      try {
        metadata = await producer.send({ topic, acks: -1, messages: messages.map((m) => m.message) });
      } catch (cause) {
        if (isTributaryError(cause)) throw cause;
        throw new TributaryError('KAFKA_UNAVAILABLE', `Could not produce to ${topic}: ${(cause as Error).message}`, { cause });
      }
      // kafkajs reports a base offset per partition, not per record. When one partition took the
      // whole send, records follow its base offset in order; otherwise their positions are unknown.
      const only = metadata.length === 1 ? metadata[0] : undefined;
      return messages.map(({ envelope }, index) => ({
        topic,
        partition: only ? only.partition : -1,
        offset: only?.baseOffset === undefined ? '-1' : (BigInt(only.baseOffset) + BigInt(index)).toString(),
        eventId: envelope.eventId,
      }));
    },
  };
};
