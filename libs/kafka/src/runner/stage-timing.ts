import type { Batch } from 'kafkajs';
import type { StageContext } from './stage.ts';

export type TimedStage = 'fetch_wait' | 'decode' | 'handle' | 'commit';

/**
 * Where a batch's time goes, stage by stage (consumer_stage_duration_seconds):
 * each `lap` records the time since the previous one (or since the timer was made) under a stage's name.
 */
export const stageTimer = (stage: StageContext, topic: string) => {
  let last = process.hrtime.bigint();
  return {
    lap(name: TimedStage): void {
      const now = process.hrtime.bigint();
      stage.metrics?.stageDuration.observe({ group: stage.groupId, topic, stage: name }, Number(now - last) / 1e9);
      last = now;
    },
  };
};

/**
 * From the first record's create time (the producer's clock, on this machine the same one) to the
 * runner: the upstream transaction's commit, the broker's append and the fetch's wait together.
 */
export const observeFetchWait = (stage: StageContext, batch: Pick<Batch, 'topic' | 'messages'>): void => {
  const first = batch.messages[0];
  if (!stage.metrics || !first) return;
  stage.metrics.stageDuration.observe({ group: stage.groupId, topic: batch.topic, stage: 'fetch_wait' }, Math.max(0, Date.now() - Number(first.timestamp)) / 1000);
};
