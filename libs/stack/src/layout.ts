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
