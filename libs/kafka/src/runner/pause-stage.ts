import type { TributaryError } from '@tributary/errors';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { PauseKeeper } from '../pauses.ts';
import type { StageContext } from './stage.ts';

export type PauseUntilHealthy = (
  where: { topic: string; partition: number; fromOffset: string },
  error: TributaryError,
  payload: Pick<EachBatchPayload, 'pause'>,
  probe?: () => Promise<boolean>,
) => void;

/**
 * Pauses a partition until a probe passes (the failure's own, else the service's), seeking back to
 * the first unhandled record so it is fetched again on resume. Without any probe the partition
 * waits the longest backoff delay and tries again.
 */
export const createPauser = (stage: StageContext, consumer: Pick<Consumer, 'seek'>, pauses: Pick<PauseKeeper, 'hold'>, serviceProbe?: () => Promise<boolean>): PauseUntilHealthy => (where, error, payload, probe = serviceProbe) => {
  const { topic, partition, fromOffset } = where;
  const resume = payload.pause();
  consumer.seek({ topic, partition, offset: fromOffset });
  stage.logger.warn('paused partition until its dependency is back', { groupId: stage.groupId, topic, partition, fromOffset, code: error.code, reason: error.message });
  if (probe) pauses.hold(topic, partition, resume, probe);
  else pauses.hold(topic, partition, resume, () => Promise.resolve(true), stage.retry.maxDelayMs);
};
