import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComponentName } from './component.ts';

/** Where one stack keeps each component's data, config, log and pid file. */
export const stackPaths = (stackDir: string, component: ComponentName) => ({
  home: join(stackDir, component),
  data: join(stackDir, component, 'data'),
  logDir: join(stackDir, 'logs'),
  logFile: join(stackDir, 'logs', `${component}.log`),
  pidFile: join(stackDir, 'run', `${component}.pid`),
});

export const stackLockDir = (stackDir: string): string => join(stackDir, 'run', 'stack.lock');

/** How many Kafka nodes the stack was last brought up with, so `status` and `down` need no flag. */
const nodesFile = (stackDir: string): string => join(stackDir, 'run', 'kafka-nodes');

export const readRecordedBrokers = async (stackDir: string): Promise<number | undefined> => {
  const count = Number((await readFile(nodesFile(stackDir), 'utf8').catch(() => '')).trim());
  return Number.isInteger(count) && count > 0 ? count : undefined;
};

export const recordBrokers = async (stackDir: string, brokers: number): Promise<void> => {
  await mkdir(join(stackDir, 'run'), { recursive: true });
  await writeFile(nodesFile(stackDir), `${brokers}\n`);
};
