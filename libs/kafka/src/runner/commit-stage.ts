import type { Batch, Consumer, EachBatchPayload } from 'kafkajs';
import type { StageContext } from './stage.ts';

export type CommitThrough = (where: { topic: string; partition: number }, offset: string, payload: Pick<EachBatchPayload, 'resolveOffset'>) => Promise<void>;

/** Commits the group's position just past a handled record: the group resumes after it. */
export const createCommitter = (consumer: Pick<Consumer, 'commitOffsets'>): CommitThrough => async ({ topic, partition }, offset, payload) => {
  payload.resolveOffset(offset);
  await consumer.commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]);
};

/** The series of a batch committed whole: its size, time, latency from append, and the lag it leaves. */
export const observeCommittedBatch = (stage: StageContext, batch: Pick<Batch, 'topic' | 'partition' | 'messages' | 'highWatermark'>, startedAt: bigint): void => {
  const { metrics, groupId } = stage;
  const last = batch.messages[batch.messages.length - 1];
  if (!metrics || !last) return;
  const labels = { group: groupId, topic: batch.topic };
  const partition = String(batch.partition);
  metrics.processed.inc({ ...labels, partition }, batch.messages.length);
  metrics.batchSize.observe(labels, batch.messages.length);
  metrics.batchDuration.observe(labels, Number(process.hrtime.bigint() - startedAt) / 1e9);
  metrics.latency.observe(labels, Math.max(0, Date.now() - Number(last.timestamp)) / 1000);
  const lag = BigInt(batch.highWatermark) - BigInt(last.offset) - 1n;
  metrics.lag.set({ ...labels, partition }, Number(lag > 0n ? lag : 0n));
};
