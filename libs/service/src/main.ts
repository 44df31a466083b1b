import { toTributaryError } from '@tributary/errors';
import { createLogger, type Logger, type LogLevel } from '@tributary/logger';
import { runService, type RunningService } from './lifecycle.ts';

/**
 * The whole of a service's main: read settings (a bad one stops start-up with every offending
 * variable named), start, and stop on a signal.
 */
export const runMain = async <S extends { logLevel: LogLevel }>(
  service: string,
  loadSettings: () => S,
  start: (settings: S, logger: Logger) => Promise<RunningService>,
): Promise<void> => {
  let settings: S;
  try {
    settings = loadSettings();
  } catch (error) {
    const failure = toTributaryError(error);
    createLogger({ service }).error(failure.message, { code: failure.code });
    process.exitCode = 1;
    return;
  }
  const logger = createLogger({ service, level: settings.logLevel });
  await runService(() => start(settings, logger), { logger });
};
