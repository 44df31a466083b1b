import type { AvroCodec } from '@tributary/avro';
import { histogram, type MetricsRegistry } from '@tributary/metrics';
import type { Kafka, Message, Producer, RecordMetadata } from 'kafkajs';
import type { Tracer } from '@opentelemetry/api';
import { asKafkaUnavailable, createPreparer, endPublishSpans, sendErrorCounter, type OutgoingEvent, type Prepared } from './prepare.ts';
import { createSendGroups } from './send-groups.ts';
import { keyPartitioner } from './partitioner.ts';

export type { OutgoingEvent } from './prepare.ts';

export interface PublishedRecord {
  topic: string;
  partition: number;
  offset: string;
  eventId: string;
}

export interface EventProducer {
  connect(): Promise<void>;
  /**
   * Encodes every event first, so one invalid event means nothing of the call is sent. Each
   * partition has its own lane: calls made while a lane's produce request is in flight share its
   * next request, and a call's records to one partition stay together and in order.
   */
  publish(topic: string, events: readonly OutgoingEvent[]): Promise<PublishedRecord[]>;
  disconnect(): Promise<void>;
  readonly connected: boolean;
}

/** A group of publish calls stays within this many records, and a record batch within Kafka's default 1 MB. */
const maxGroupRecords = 500;
const maxGroupBytes = 512 * 1024;

type PublishCall = { topic: string; messages: Prepared[] };

const weightOf = ({ messages }: PublishCall): number =>
  Math.max(
    messages.length / maxGroupRecords,
    messages.reduce((bytes, { message }) => bytes + Buffer.byteLength(message.value ?? ''), 0) / maxGroupBytes,
  );

/** Each call's records with the offsets Kafka gave them: a partition's records follow its base offset in send order. */
const assignOffsets = (calls: readonly PublishCall[], metadata: readonly RecordMetadata[]): PublishedRecord[][] => {
  const next = new Map(metadata.map((m) => [`${m.topicName}:${m.partition}`, BigInt(m.baseOffset ?? '-1')]));
  return calls.map(({ topic, messages }) =>
    messages.map(({ envelope, message }) => {
      const key = `${topic}:${message.partition}`;
      const offset = next.get(key) ?? -1n;
      if (offset >= 0n) next.set(key, offset + 1n);
      return { topic, partition: message.partition, offset: offset.toString(), eventId: envelope.eventId };
    }),
  );
};

/**
 * Retries that outlast a leader move: a dead broker's partitions get a new leader only once the
 * controller fences it (broker.session.timeout.ms, 9 s by default), and kafkajs's default retries
 * give up after about as long. About 20 s here; the caller's own timeout (PUBLISH_TIMEOUT_MS)
 * decides how long a request waits for them.
 */
export const producerRetry = { initialRetryTime: 300, maxRetryTime: 3_000, retries: 10 };

/** One partition's sends: the calls waiting while its request is in flight go together in the next. */
const partitionLane = (producer: Producer, recordsPerSend: ReturnType<typeof histogram> | undefined, sendErrors: ReturnType<typeof sendErrorCounter>): ((call: PublishCall) => Promise<PublishedRecord[]>) =>
  createSendGroups<PublishCall, PublishedRecord[]>({
    weight: weightOf,
    maxWeight: 1,
    async send(calls) {
      const byTopic = new Map<string, Message[]>();
      for (const { topic, messages } of calls) {
        const batch = byTopic.get(topic) ?? [];
        for (const { message } of messages) batch.push(message);
        byTopic.set(topic, batch);
      }
      let metadata: RecordMetadata[];
      try {
        metadata = await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      } catch (cause) {
        sendErrors.failed(byTopic.keys());
        const error = asKafkaUnavailable([...byTopic.keys()].join(', '), cause);
        endPublishSpans(calls.flatMap((call) => call.messages.map((prepared) => ({ prepared }))), error);
        throw error;
      }
      recordsPerSend?.observe(calls.reduce((records, call) => records + call.messages.length, 0));
      const published = assignOffsets(calls, metadata);
      endPublishSpans(calls.flatMap((call, index) => call.messages.map((prepared, at) => ({ prepared, offset: published[index]?.[at]?.offset }))));
      return published;
    },
  });

export const createEventProducer = ({ kafka, codec, producerName, metrics, tracer }: { kafka: Kafka; codec: AvroCodec; producerName: string; metrics?: MetricsRegistry; tracer?: Tracer }): EventProducer => {
  // Idempotent with acks=all: a retried send after a lost ack never writes a record twice.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: producerRetry, createPartitioner: keyPartitioner });
  const { admin, prepare } = createPreparer(kafka, codec, producerName, tracer);
  const recordsPerSend = metrics && histogram(metrics, 'producer_send_records', 'Records per produce request: publish calls made while a request is in flight share the next one', [], [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]);
  const sendErrors = sendErrorCounter(metrics);
  let connected = false;
  producer.on(producer.events.CONNECT, () => {
    connected = true;
  });
  producer.on(producer.events.DISCONNECT, () => {
    connected = false;
  });

  /*
   * One lane, and one produce request, per partition. A request that spans partitions waits as a
   * whole for the slowest: while a dead broker's partitions wait for a new leader (until the
   * controller fences it, broker.session.timeout.ms), every order would wait with them. And kafkajs
   * retries such a request per broker: a partition whose leader moved to a broker that had already
   * answered for the others is silently left out, and its records are never written.
   */
  const lanes = new Map<string, (call: PublishCall) => Promise<PublishedRecord[]>>();
  const lane = (topic: string, partition: number): ((call: PublishCall) => Promise<PublishedRecord[]>) => {
    const key = `${topic}:${partition}`;
    let found = lanes.get(key);
    if (!found) lanes.set(key, (found = partitionLane(producer, recordsPerSend, sendErrors)));
    return found;
  };
  const send = async ({ topic, messages }: PublishCall): Promise<PublishedRecord[]> => {
    const byPartition = new Map<number, Prepared[]>();
    for (const prepared of messages) byPartition.set(prepared.message.partition, [...(byPartition.get(prepared.message.partition) ?? []), prepared]);
    const sent = await Promise.all([...byPartition].map(([partition, part]) => lane(topic, partition)({ topic, messages: part })));
    const byEvent = new Map(sent.flat().map((record) => [record.eventId, record]));
    return messages.map(({ envelope }) => byEvent.get(envelope.eventId) as PublishedRecord);
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
      sendErrors.publishing(topic);
      return send({ topic, messages: await prepare(topic, events) });
    },
  };
};
