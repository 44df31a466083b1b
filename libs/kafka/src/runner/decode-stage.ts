import { setTimeout as sleep } from 'node:timers/promises';
import type { AvroCodec } from '@tributary/avro';
import { classify, toTributaryError, type TributaryError } from '@tributary/errors';
import type { KafkaMessage } from 'kafkajs';
import { backoffDelay } from '../backoff.ts';
import { readHeaders } from '../envelope.ts';
import { stillOurs, type BatchLiveness, type ConsumedEvent, type StageContext } from './stage.ts';

/** A record that did not decode: bad in itself, or (transient) unreadable until the registry answers. */
export type Undecoded = { ok: false; transient: boolean; message: KafkaMessage; error: TributaryError };
export type Decoded<T> = { ok: true; value: ConsumedEvent<T> } | Undecoded;
export type DecodedBatch<T> = { kind: 'done'; records: Decoded<T>[] } | { kind: 'pause'; unreadable: Undecoded } | { kind: 'stopping' };

export interface RecordBatch {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
}

export const decodeRecord = async <T>(codec: AvroCodec, topic: string, partition: number, message: KafkaMessage): Promise<Decoded<T>> => {
  try {
    const event = await codec.decode<T>(message.value);
    const value = { topic, partition, offset: message.offset, key: message.key?.toString() ?? null, timestamp: message.timestamp, headers: readHeaders(message.headers), event };
    return { ok: true, value };
  } catch (error) {
    const failure = toTributaryError(error);
    // An unreachable registry says nothing about the record: it is retried, never parked.
    return { ok: false, transient: classify(failure) === 'retry', message, error: failure };
  }
};

/**
 * Decodes a batch, retrying in place while some record cannot be read for a transient reason (a
 * schema id not seen yet while the registry is unreachable), then asking for a pause. Thrown out of
 * eachBatch instead, the failure would crash the consumer, and every crash leaves and rejoins the
 * group: a rebalance for all its members, again and again while the registry is down.
 */
export const decodeBatch = async <T>(stage: StageContext, codec: AvroCodec, batch: RecordBatch, payload: BatchLiveness): Promise<DecodedBatch<T>> => {
  const { topic, partition, messages } = batch;
  for (let tries = 1; ; tries += 1) {
    const records = await Promise.all(messages.map((message) => decodeRecord<T>(codec, topic, partition, message)));
    const unreadable = records.find((record): record is Undecoded => !record.ok && record.transient);
    if (!unreadable) return { kind: 'done', records };
    stage.metrics?.errors.inc({ group: stage.groupId, topic, code: unreadable.error.code });
    if (tries >= stage.retry.attempts) return { kind: 'pause', unreadable };
    const delayMs = backoffDelay(tries, stage.retry);
    stage.logger.warn('cannot decode records yet, retrying', {
      groupId: stage.groupId,
      topic,
      partition,
      offset: unreadable.message.offset,
      code: unreadable.error.code,
      reason: unreadable.error.message,
      attempt: tries,
      delayMs,
    });
    await sleep(delayMs);
    if (!stillOurs(payload)) return { kind: 'stopping' };
    await payload.heartbeat();
  }
};

/** A probe for a partition paused on an unreadable record: passes once it decodes, or fails for a reason of its own (then it is parked on resume). */
export const decodesNow = (codec: AvroCodec, message: KafkaMessage) => (): Promise<boolean> =>
  codec.decode(message.value).then(
    () => true,
    (error: unknown) => classify(toTributaryError(error)) !== 'retry',
  );
