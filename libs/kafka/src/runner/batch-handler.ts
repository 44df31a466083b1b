import type { Tracer } from '@opentelemetry/api';
import type { AvroCodec } from '@tributary/avro';
import { toTributaryError, type TributaryError } from '@tributary/errors';
import type { EachBatchPayload } from 'kafkajs';
import type { CommitThrough } from './commit-stage.ts';
import { observeCommittedBatch } from './commit-stage.ts';
import { decodeBatch, decodesNow, type Decoded } from './decode-stage.ts';
import { handleWithRetry, type BatchHandler } from './handle-stage.ts';
import type { Park } from './park-stage.ts';
import type { PauseUntilHealthy } from './pause-stage.ts';
import { openProcessSpans, type ProcessSpans } from './process-spans.ts';
import { stillOurs, type ConsumedEvent, type StageContext } from './stage.ts';
import { observeFetchWait, stageTimer } from './stage-timing.ts';

export interface BatchStages<T> {
  stage: StageContext;
  codec: AvroCodec;
  handler: BatchHandler<T>;
  park: Park;
  pause: PauseUntilHealthy;
  commit: CommitThrough;
  tracer: Tracer;
  /** States a dead-lettered record's negative outcome; a failure pauses the partition at that record. */
  onDeadLetter?: (event: ConsumedEvent<T>, error: TributaryError) => Promise<void>;
}

const heartbeatEveryMs = 2_000;

const offsetOf = <T>(record: Decoded<T>): string => (record.ok ? record.value.offset : record.message.offset);

/**
 * Handles a batch that failed as a whole one record at a time, to find what cannot be handled:
 * each record is applied, parked or (transient) paused on, and committed before the next.
 * Returns false when the batch's work stopped part-way (a pause, a rebalance, a stop).
 */
const handleOneByOne = async <T>(stages: BatchStages<T>, records: readonly Decoded<T>[], spans: ProcessSpans<T>, payload: EachBatchPayload): Promise<boolean> => {
  const { topic, partition } = payload.batch;
  for (const record of records) {
    if (!stillOurs(payload)) return false;
    const offset = offsetOf(record);
    if (!record.ok) {
      await stages.park(topic, partition, record.message, { error: record.error, attempts: 1, firstFailureAt: new Date() });
    } else {
      const single = await handleWithRetry(stages.stage, stages.handler, [record.value], { topic, partition }, payload);
      if (single.kind === 'stopping') return false;
      if (single.kind === 'pause') {
        stages.pause({ topic, partition, fromOffset: offset }, single.error, payload);
        return false;
      }
      if (single.kind === 'deadLetter') {
        const original = payload.batch.messages.find((message) => message.offset === offset);
        if (original) await stages.park(topic, partition, original, single);
        spans.fail(offset, single.error);
        const stated = await stages.onDeadLetter?.(record.value, single.error).then(
          () => undefined,
          (error: unknown) => toTributaryError(error),
        );
        if (stated) {
          stages.pause({ topic, partition, fromOffset: offset }, stated, payload);
          return false;
        }
      }
    }
    await stages.commit({ topic, partition }, offset, payload);
    await payload.heartbeat();
  }
  return true;
};

/**
 * Decodes, handles and commits one partition's batch: the whole batch at once when it can, record
 * by record when something in it fails, parking what cannot be handled and pausing on what must wait.
 */
const runBatch = async <T>(stages: BatchStages<T>, payload: EachBatchPayload): Promise<void> => {
  const { batch } = payload;
  const { topic, partition } = batch;
  const fromOffset = batch.firstOffset() ?? batch.messages[0]?.offset ?? '0';
  const startedAt = process.hrtime.bigint();
  observeFetchWait(stages.stage, batch);
  const timer = stageTimer(stages.stage, topic);
  const decoding = await decodeBatch<T>(stages.stage, stages.codec, batch, payload);
  if (decoding.kind === 'stopping') return;
  if (decoding.kind === 'pause') {
    stages.pause({ topic, partition, fromOffset }, decoding.unreadable.error, payload, decodesNow(stages.codec, decoding.unreadable.message));
    return;
  }
  timer.lap('decode');
  const spans = openProcessSpans(stages.tracer, stages.stage.groupId, decoding.records);
  const { records } = spans;
  const whole = await handleWithRetry(stages.stage, stages.handler, records.flatMap((record) => (record.ok ? [record.value] : [])), { topic, partition }, payload);
  if (whole.kind === 'stopping') return spans.end();
  if (whole.kind === 'pause') {
    stages.pause({ topic, partition, fromOffset }, whole.error, payload);
    return spans.end(whole.error);
  }
  if (whole.kind === 'done') {
    timer.lap('handle');
    for (const record of records) if (!record.ok) await stages.park(topic, partition, record.message, { error: record.error, attempts: 1, firstFailureAt: new Date() });
  } else if (!(await handleOneByOne(stages, records, spans, payload))) {
    return spans.end(whole.error);
  }
  spans.end();
  // The batch can end in a transaction's commit marker (or aborted records) that no handler sees;
  // committing only up to the last record would leave the group one offset behind every
  // transaction, its lag and stall reports never back to zero.
  await stages.commit({ topic, partition }, batch.lastOffset(), payload);
  if (whole.kind === 'done') timer.lap('commit');
  observeCommittedBatch(stages.stage, batch, startedAt);
};

/** The runner's eachBatch: a long batch heartbeats while it runs, so it does not cost the group a rebalance. */
export const createBatchHandler =
  <T>(stages: BatchStages<T>) =>
  async (payload: EachBatchPayload): Promise<void> => {
    if (!stillOurs(payload) || payload.batch.messages.length === 0) return;
    const heartbeat = setInterval(() => void payload.heartbeat().catch(() => undefined), heartbeatEveryMs);
    try {
      await runBatch(stages, payload);
    } finally {
      clearInterval(heartbeat);
    }
  };
