import type { AvroCodec, DecodedEvent } from '@tributary/avro';
import { toTributaryError } from '@tributary/errors';
import type { Logger } from '@tributary/logger';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { readHeaders } from './envelope.ts';

export interface ConsumedEvent<T = Record<string, unknown>> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly timestamp: string;
  readonly headers: Record<string, string>;
  readonly event: DecodedEvent<T>;
}

export interface SkippedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly code: string;
  readonly reason: string;
}

export interface ConsumerRunnerOptions<T> {
  kafka: Kafka;
  codec: AvroCodec;
  logger: Logger;
  groupId: string;
  topics: readonly string[];
  fromBeginning?: boolean;
  /** Applies one partition's decoded events; offsets are committed only after it resolves. */
  handleBatch(events: readonly ConsumedEvent<T>[]): Promise<void>;
  /** Records that cannot be decoded; they are counted and logged, and the partition moves on. */
  onSkip?(record: SkippedRecord): void;
}

export interface ConsumerRunner {
  start(): Promise<void>;
  /** Stops fetching, lets the batch in hand finish and commit, then leaves the group. */
  stop(): Promise<void>;
  /** True while the consumer is a member of its group with partitions assigned. */
  readonly joined: boolean;
}

/** A record kept for the batch, or the reason it is skipped. */
type Decoded<T> = { ok: true; value: ConsumedEvent<T> } | { ok: false; skipped: SkippedRecord };

const decodeRecord = async <T>(codec: AvroCodec, topic: string, partition: number, message: KafkaMessage): Promise<Decoded<T>> => {
  try {
    const event = await codec.decode<T>(message.value);
    return {
      ok: true,
      value: {
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        timestamp: message.timestamp,
        headers: readHeaders(message.headers),
        event,
      },
    };
  } catch (error) {
    const failure = toTributaryError(error);
    // An unreachable registry says nothing about the record: retry the batch instead of skipping.
    if (failure.retryable) throw failure;
    return { ok: false, skipped: { topic, partition, offset: message.offset, code: failure.code, reason: failure.message } };
  }
};

export const createConsumerRunner = <T>(options: ConsumerRunnerOptions<T>): ConsumerRunner => {
  const { kafka, codec, logger, groupId, topics } = options;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  for (const event of [consumer.events.CRASH, consumer.events.DISCONNECT, consumer.events.STOP]) {
    consumer.on(event, () => {
      joined = false;
    });
  }
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error('consumer crashed', { groupId, error: payload.error.message, restart: payload.restart });
  });

  return {
    get joined() {
      return joined;
    },
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topics: [...topics], fromBeginning: options.fromBeginning ?? true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async (payload) => {
          const { batch } = payload;
          const heartbeat = () => payload.heartbeat();
          const isRunning = () => payload.isRunning();
          const isStale = () => payload.isStale();
          if (!isRunning() || isStale() || batch.messages.length === 0) return;
          const decoded = await Promise.all(batch.messages.map((message) => decodeRecord<T>(codec, batch.topic, batch.partition, message)));
          const events: ConsumedEvent<T>[] = [];
          for (const record of decoded) {
            if (record.ok) {
              events.push(record.value);
            } else {
              logger.warn('skipped a record that cannot be decoded', { groupId, ...record.skipped });
              options.onSkip?.(record.skipped);
            }
          }
          await heartbeat();
          if (events.length > 0) await options.handleBatch(events);
          const last = batch.messages[batch.messages.length - 1];
          if (!last) return;
          // resolveOffset moves the fetch position on; the commit makes it survive a restart.
          payload.resolveOffset(last.offset);
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
          await heartbeat();
        },
      });
    },
    async stop() {
      try {
        await consumer.stop();
      } finally {
        await consumer.disconnect();
      }
    },
  };
};

