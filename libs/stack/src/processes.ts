import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means it exists but belongs to someone else: alive, and certainly not ours.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The process's argument list joined by spaces, or undefined when it cannot be read. */
export const commandLineOf = (pid: number): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
};

/**
 * A pid file can outlive its process and the pid can be reused by anything; every process the
 * stack starts has the stack folder in its arguments, which tells ours apart.
 */
export const isOurs = (pid: number, marker: string): boolean => {
  if (!isAlive(pid)) return false;
  const commandLine = commandLineOf(pid);
  // Without /proc (macOS) trust a live pid: a reused pid within one stack's life is unlikely there.
  return commandLine === undefined ? true : commandLine.includes(marker);
};

export const readPidFile = async (file: string): Promise<number | undefined> => {
  try {
    const pid = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

export const writePidFile = (file: string, pid: number): Promise<void> => writeFile(file, `${pid}\n`);

export const removePidFile = (file: string): Promise<void> => rm(file, { force: true });

export interface DetachedSpec {
  command: string;
  args: readonly string[];
  cwd: string;
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

export interface DetachedProcess {
  pid: number;
  /** Resolves with the exit code if the process dies while this CLI still watches it. */
  exited: Promise<number | null>;
}

/**
 * Starts a long-running server in its own session with output appended to its log file, and
 * lets go of it, so `stack up` can return while the server keeps running.
 */
export const spawnDetached = (spec: DetachedSpec): Promise<DetachedProcess> =>
  new Promise((resolvePromise, reject) => {
    const log = openSync(spec.logFile, 'a');
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolvePromise({ pid: child.pid!, exited });
    });
  });

const signalGroup = (pid: number, signal: NodeJS.Signals): void => {
  try {
    // Detached children lead their own process group; signalling it also reaches helpers they forked.
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
};

export const waitForExit = async (pid: number, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
};

/** SIGTERM for a clean shutdown (Kafka flushes and deregisters), SIGKILL if it takes too long. */
export const stopProcess = async (pid: number, graceMs: number): Promise<'stopped' | 'killed'> => {
  signalGroup(pid, 'SIGTERM');
  if (await waitForExit(pid, graceMs)) return 'stopped';
  signalGroup(pid, 'SIGKILL');
  await waitForExit(pid, 5_000);
  return 'killed';
};
