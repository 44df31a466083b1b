import type { AvroCodec } from '@tributary/avro';
import { TributaryError, isTributaryError } from '@tributary/errors';
import { histogram, type MetricsRegistry } from '@tributary/metrics';
import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners, type Kafka, type Message, type PartitionMetadata, type Producer, type RecordMetadata, type Transaction } from 'kafkajs';
import { createEnvelope, envelopeHeaders, type Envelope } from './envelope.ts';
import { claimInstanceSlot, defaultInstanceId, transactionalIdOf } from './instance.ts';
import { createSendGroups } from './send-groups.ts';

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
  /**
   * Encodes every event first, so one invalid event means nothing of the call is sent. Calls made
   * while a produce request is in flight share the next request; a call's records stay together
   * and in order.
   */
  publish(topic: string, events: readonly OutgoingEvent[]): Promise<PublishedRecord[]>;
  disconnect(): Promise<void>;
  readonly connected: boolean;
}

/** Which partition the key goes to: murmur2 as the Java client, so every producer of a topic agrees. */
const choosePartition = Partitioners.DefaultPartitioner();

type Prepared = { envelope: Envelope; message: Message & { partition: number; key: string } };

/** Encodes events and picks their partitions; one invalid event fails the whole call before any send. */
const createPreparer = (kafka: Kafka, codec: AvroCodec, producerName: string) => {
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

const asKafkaUnavailable = (topic: string, cause: unknown): TributaryError =>
  isTributaryError(cause) ? cause : new TributaryError('KAFKA_UNAVAILABLE', `Could not produce to ${topic}: ${(cause as Error).message}`, { cause });

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

export const createEventProducer = ({ kafka, codec, producerName, metrics }: { kafka: Kafka; codec: AvroCodec; producerName: string; metrics?: MetricsRegistry }): EventProducer => {
  // Idempotent with acks=all: a retried send after a lost ack never writes a record twice.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const { admin, prepare } = createPreparer(kafka, codec, producerName);
  const recordsPerSend = metrics && histogram(metrics, 'producer_send_records', 'Records per produce request: publish calls made while a request is in flight share the next one', [], [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]);
  let connected = false;
  producer.on(producer.events.CONNECT, () => {
    connected = true;
  });
  producer.on(producer.events.DISCONNECT, () => {
    connected = false;
  });

  const send = createSendGroups<PublishCall, PublishedRecord[]>({
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
        throw asKafkaUnavailable([...byTopic.keys()].join(', '), cause);
      }
      recordsPerSend?.observe(calls.reduce((records, call) => records + call.messages.length, 0));
      return assignOffsets(calls, metadata);
    },
  });

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
      return send({ topic, messages: await prepare(topic, events) });
    },
  };
};

export interface ConsumedPosition {
  topic: string;
  partition: number;
  /** Offset of the last record handled; the group resumes after it. */
  offset: string;
}

export interface TransactionalOutput {
  topic: string;
  events: readonly OutgoingEvent[];
}

export interface TransactionalEventProducer {
  connect(): Promise<void>;
  /**
   * Produces the events and commits the consumer group's positions in one Kafka transaction:
   * read-committed consumers see the events exactly when the consumed records count as handled,
   * so a crash in between leaves neither, and the redelivered records produce them once.
   */
  publishAndCommit(outputs: readonly TransactionalOutput[], consumed: { groupId: string; positions: readonly ConsumedPosition[] }): Promise<void>;
  disconnect(): Promise<void>;
  readonly connected: boolean;
  readonly transactionalId: string;
}

/** The positions to commit after some consumed records: the highest offset per partition. */
export const positionsOf = (records: readonly { topic: string; partition: number; offset: string }[]): ConsumedPosition[] => {
  const highest = new Map<string, ConsumedPosition>();
  for (const { topic, partition, offset } of records) {
    const key = `${topic}:${partition}`;
    const seen = highest.get(key);
    if (!seen || BigInt(offset) > BigInt(seen.offset)) highest.set(key, { topic, partition, offset });
  }
  return [...highest.values()];
};

const concurrentTransactionTries = 10;

const isConcurrentTransaction = (error: unknown): boolean =>
  (error as { type?: unknown }).type === 'CONCURRENT_TRANSACTIONS' || /another concurrent operation on the same transaction/.test((error as Error).message ?? '');

export const createTransactionalEventProducer = ({
  kafka,
  codec,
  producerName,
  instanceId = defaultInstanceId(),
  transactionalId,
  transactionTimeoutMs = 15_000,
}: {
  kafka: Kafka;
  codec: AvroCodec;
  producerName: string;
  /** Names this instance across restarts (INSTANCE_ID; the host name by default). */
  instanceId?: string;
  /**
   * Unique per live producer and stable across restarts, so a restarted instance fences its dead
   * predecessor and aborts the transaction it left open. By default made of the producer name, the
   * instance id and a slot distinct among the producers alive on this host (see instance.ts).
   */
  transactionalId?: string;
  /** An instance that dies mid-transaction holds back read-committed readers of its partitions at most this long. */
  transactionTimeoutMs?: number;
}): TransactionalEventProducer => {
  const slot = transactionalId === undefined ? claimInstanceSlot(`${producerName}-${instanceId}`) : undefined;
  const id = transactionalId ?? transactionalIdOf(producerName, instanceId, slot?.slot ?? 0);
  const { admin, prepare } = createPreparer(kafka, codec, producerName);
  let connected = false;
  const newProducer = (): Producer => {
    const created = kafka.producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, transactionTimeout: transactionTimeoutMs });
    created.on(created.events.CONNECT, () => {
      connected = true;
    });
    created.on(created.events.DISCONNECT, () => {
      if (created === producer) connected = false;
    });
    return created;
  };
  let producer = newProducer();
  // An abort that fails (the broker went away mid-transaction) leaves a kafkajs producer in the
  // ABORTING state for good: every later transaction is refused with "Cannot call beginTransaction".
  // Such a producer is replaced; the new one's InitProducerId with the same transactional id fences
  // the old one and has the coordinator abort whatever it left open.
  let stuck = false;
  const replaceProducer = async (): Promise<void> => {
    const stale = producer;
    producer = newProducer();
    await stale.disconnect().catch(() => undefined);
    await producer.connect();
    stuck = false;
  };
  // A producer runs one transaction at a time; partitions handled concurrently take turns here.
  let turn: Promise<unknown> = Promise.resolve();

  const attempt = async (prepared: { topic: string; messages: Prepared[] }[], consumed: { groupId: string; positions: readonly ConsumedPosition[] }): Promise<void> => {
    let transaction: Transaction | undefined;
    try {
      transaction = await producer.transaction();
      for (const { topic, messages } of prepared) await transaction.send({ topic, acks: -1, messages: messages.map((m) => m.message) });
      const byTopic = new Map<string, { partition: number; offset: string }[]>();
      for (const { topic, partition, offset } of consumed.positions) {
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset: (BigInt(offset) + 1n).toString() }]);
      }
      // Output that answers no consumed record (a timer's) commits no offsets.
      if (byTopic.size > 0) await transaction.sendOffsets({ consumerGroupId: consumed.groupId, topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) });
      await transaction.commit();
    } catch (cause) {
      if (transaction?.isActive()) {
        await transaction.abort().catch(() => {
          stuck = true;
        });
      }
      if (/Transaction state exception/i.test((cause as Error).message ?? '')) stuck = true;
      throw cause;
    }
  };

  const run = async (outputs: readonly TransactionalOutput[], consumed: { groupId: string; positions: readonly ConsumedPosition[] }): Promise<void> => {
    const prepared = await Promise.all(outputs.filter((o) => o.events.length > 0).map(async (o) => ({ topic: o.topic, messages: await prepare(o.topic, o.events) })));
    for (let tries = 1; ; tries += 1) {
      try {
        if (stuck) await replaceProducer();
        await attempt(prepared, consumed);
        return;
      } catch (cause) {
        // The coordinator is still writing the previous transaction's markers: a moment later it accepts the next.
        if (isConcurrentTransaction(cause) && tries < concurrentTransactionTries) {
          await sleep(20 * tries);
          continue;
        }
        throw asKafkaUnavailable(prepared[0]?.topic ?? outputs[0]?.topic ?? 'its topics', cause);
      }
    }
  };

  return {
    get connected() {
      return connected;
    },
    async connect() {
      await Promise.all([producer.connect(), admin.connect()]);
    },
    get transactionalId() {
      return id;
    },
    async disconnect() {
      try {
        await Promise.all([producer.disconnect(), admin.disconnect()]);
      } finally {
        slot?.release();
      }
    },
    publishAndCommit(outputs, consumed) {
      const result = turn.then(() => run(outputs, consumed));
      turn = result.catch(() => undefined);
      return result;
    },
  };
};
