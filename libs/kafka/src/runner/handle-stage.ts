import { setTimeout as sleep } from 'node:timers/promises';
import { classify, toTributaryError, type TributaryError } from '@tributary/errors';
import { backoffDelay } from '../backoff.ts';
import { stillOurs, type BatchLiveness, type ConsumedEvent, type StageContext } from './stage.ts';

/** The outcome of handling some events, after retries: go on, park the records, or stop and wait. */
export type Attempt =
  | { kind: 'done' }
  | { kind: 'deadLetter'; error: TributaryError; attempts: number; firstFailureAt: Date }
  | { kind: 'pause'; error: TributaryError }
  | { kind: 'stopping' };

export type BatchHandler<T> = (events: readonly ConsumedEvent<T>[]) => Promise<void>;

/**
 * Runs the handler, retrying transient failures in place with backoff (heartbeats keep flowing
 * while it waits), and says what its error asks for: skip, dead-letter, or a pause once retries
 * run out.
 */
export const handleWithRetry = async <T>(
  stage: StageContext,
  handler: BatchHandler<T>,
  events: readonly ConsumedEvent<T>[],
  where: { topic: string; partition: number },
  payload: BatchLiveness,
): Promise<Attempt> => {
  const { groupId, metrics, retry, logger } = stage;
  let firstFailureAt: Date | undefined;
  for (let tries = 1; ; tries += 1) {
    try {
      if (events.length > 0) await handler(events);
      return { kind: 'done' };
    } catch (thrown) {
      const error = toTributaryError(thrown);
      firstFailureAt ??= new Date();
      metrics?.errors.inc({ group: groupId, topic: where.topic, code: error.code });
      const disposition = classify(thrown);
      if (disposition === 'skip') {
        metrics?.skipped.inc({ group: groupId, topic: where.topic, code: error.code }, events.length);
        return { kind: 'done' };
      }
      if (disposition === 'deadLetter') return { kind: 'deadLetter', error, attempts: tries, firstFailureAt };
      // An open breaker already knows the dependency is down: retrying into it only adds load.
      if (error.code === 'CIRCUIT_OPEN' || tries >= retry.attempts) return { kind: 'pause', error };
      const delayMs = backoffDelay(tries, retry);
      logger.warn('transient failure, retrying', { groupId, ...where, code: error.code, reason: error.message, attempt: tries, delayMs });
      await sleep(delayMs);
      if (!stillOurs(payload)) return { kind: 'stopping' };
      await payload.heartbeat();
    }
  }
};
