import { toTributaryError } from '@tributary/errors';
import type { Logger } from '@tributary/logger';

/** What a started service hands back: how to stop it, in the order the steps must run. */
export interface RunningService {
  stop(): Promise<void>;
}

export interface RunServiceOptions {
  logger: Logger;
  /** Gives up on a graceful stop after this long, so a stuck dependency cannot hang a deploy. */
  shutdownTimeoutMs?: number;
}

/**
 * Starts a service and stops it on SIGTERM or SIGINT. A failed start or stop exits non-zero with
 * one log line naming the error code, not a stack trace.
 */
export const runService = async (start: () => Promise<RunningService>, { logger, shutdownTimeoutMs = 30_000 }: RunServiceOptions): Promise<void> => {
  let running: RunningService;
  try {
    running = await start();
  } catch (error) {
    const failure = toTributaryError(error);
    logger.error(`start failed: ${failure.message}`, { code: failure.code });
    process.exitCode = 1;
    return;
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    const timer = setTimeout(() => {
      logger.error('graceful stop timed out; exiting', { timeoutMs: shutdownTimeoutMs });
      process.exit(1);
    }, shutdownTimeoutMs);
    timer.unref();
    running.stop().then(
      () => {
        logger.info('stopped');
        process.exitCode ??= 0;
      },
      (error: unknown) => {
        const failure = toTributaryError(error);
        logger.error(`stop failed: ${failure.message}`, { code: failure.code });
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
};

/** Runs stop steps in order; every step runs even when an earlier one fails, and the first error is rethrown. */
export const stopInOrder = async (steps: ReadonlyArray<() => Promise<unknown>>): Promise<void> => {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw toTributaryError(failures[0]);
};
