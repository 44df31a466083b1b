import type { StackOptions } from './options.ts';
import type { DetachedSpec } from './processes.ts';

/** `kafka` is a single node; `kafka-1`, `kafka-2`, `kafka-3` are the nodes of a cluster. */
export type ComponentName = 'kafka' | `kafka-${number}` | 'registry' | 'store' | 'jaeger';

export interface ComponentContext {
  options: StackOptions;
  /** Java executable, already checked to be recent enough. */
  java: () => Promise<string>;
  onProgress: (line: string) => void;
}

/** What the stack needs to know to install, start, probe and stop one backbone process. */
export interface Component {
  name: ComponentName;
  /** Every port the process binds, checked for strangers before it starts. */
  ports: (options: StackOptions) => number[];
  /** Where clients reach it, for status and progress lines. */
  address: (options: StackOptions) => string;
  /** Checked before anything starts, so a missing JDK fails fast. */
  needsJava: boolean;
  startTimeoutMs: number;
  /** How long a SIGTERM gets before SIGKILL. */
  stopGraceMs: number;
  /** Returns the install folder, installing into the cache on first use. */
  install: (context: ComponentContext) => Promise<string>;
  /** Writes configuration and initialises storage in the stack folder, then says how to run it. */
  prepare: (context: ComponentContext, installDir: string) => Promise<Omit<DetachedSpec, 'logFile'>>;
  isHealthy: (options: StackOptions) => Promise<boolean>;
}
