import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer } from 'kafkajs';
import { backoffDelay, type BackoffPolicy } from '../backoff.ts';
import type { StageContext } from './stage.ts';

type Restartable = Pick<Consumer, 'on' | 'events' | 'connect' | 'run'>;

/**
 * kafkajs restarts a crashed consumer only when the error is retriable. Others (a group
 * coordinator it could not find while a broker was away, for one) leave the member out of its
 * group for good: its partitions go to others, or to nobody, and every order waiting on it stays
 * where it is. Such a crash is answered here: reconnect and run again, with backoff, until it
 * works or the runner stops. kafkajs keeps the subscriptions, so `run` is all it takes.
 */
export const restartAfterFatalCrashes = (
  stage: StageContext,
  consumer: Restartable,
  run: () => Promise<void>,
  isRunning: () => boolean,
  policy: BackoffPolicy = { attempts: Number.MAX_SAFE_INTEGER, initialDelayMs: 1_000, maxDelayMs: 30_000 },
): void => {
  let restarting = false;
  const restart = async (): Promise<void> => {
    restarting = true;
    try {
      for (let tries = 1; isRunning(); tries += 1) {
        const delayMs = backoffDelay(tries, policy);
        stage.logger.warn('restarting a consumer kafkajs will not restart', { groupId: stage.groupId, attempt: tries, delayMs });
        await sleep(delayMs);
        if (!isRunning()) return;
        try {
          await consumer.connect();
          await run();
          return;
        } catch (error) {
          stage.logger.warn('consumer restart failed; trying again', { groupId: stage.groupId, reason: (error as Error).message });
        }
      }
    } finally {
      restarting = false;
    }
  };
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart || restarting || !isRunning()) return;
    void restart();
  });
};
