import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TributaryError } from '@tributary/errors';
import { isAlive } from './processes.ts';

export interface LockOptions {
  /** Said once when the lock is held by another live process, so a wait is never silent. */
  onWait?: (holderPid: number) => void;
  timeoutMs?: number;
}

const holderOf = async (lockDir: string): Promise<number | undefined> => {
  try {
    const pid = Number((await readFile(join(lockDir, 'pid'), 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Runs `task` while holding a directory lock. mkdir is atomic on every local file system, and the
 * holder's pid inside lets a later run break a lock left behind by a killed process.
 */
export const withLock = async <T>(lockDir: string, task: () => Promise<T>, options: LockOptions = {}): Promise<T> => {
  const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
  let announced = false;
  let emptySince: number | undefined;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await holderOf(lockDir);
    if (holder === undefined) {
      // The holder may be between mkdir and writing its pid; only a lock that stays empty is stale.
      emptySince ??= Date.now();
      if (Date.now() - emptySince > 5_000) await rm(lockDir, { recursive: true, force: true });
    } else if (!isAlive(holder)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    } else {
      emptySince = undefined;
      if (!announced) options.onWait?.(holder);
      announced = true;
    }
    if (Date.now() > deadline) {
      throw new TributaryError('TIMEOUT', `Gave up waiting for the lock ${lockDir} held by process ${holder ?? '?'}; if no tributary command is running, delete that folder`);
    }
    await sleep(250);
  }
  try {
    return await task();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
};
