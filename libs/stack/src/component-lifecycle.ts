import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TributaryError, toTributaryError } from '@tributary/errors';
import type { Component, ComponentContext, ComponentName } from './component.ts';
import { stackPaths } from './layout.ts';
import { rotateIfLarge, startMarker, tailOfLastRun } from './logs.ts';
import { isPortOpen } from './network.ts';
import { portVariables, type StackOptions, type StackPorts } from './options.ts';
import { isAlive, isOurs, readPidFile, removePidFile, spawnDetached, stopProcess, writePidFile, type DetachedProcess } from './processes.ts';

/** One component's start, reuse and stop, each with a failure that names its log. */

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

const portVariableOf = (options: StackOptions, port: number): string => {
  const key = (Object.keys(options.ports) as (keyof StackPorts)[]).find((name) => options.ports[name] === port);
  return key ? portVariables[key] : 'the port variables';
};

const startFailure = async (component: Component, options: StackOptions, reason: string, cause?: unknown): Promise<TributaryError> => {
  const { logFile } = stackPaths(options.stackDir, component.name);
  const tail = await tailOfLastRun(logFile, 25);
  return new TributaryError(
    'STACK_START_FAILED',
    `${component.name} ${reason}; see ${logFile}${tail ? `. Last lines:\n${tail}` : ''}`,
    { cause, details: { component: component.name, logFile } },
  );
};

/** Polls health until it passes, the process dies, or the component's start timeout passes. */
const awaitHealthy = async (component: Component, options: StackOptions, exited?: Promise<number | null>): Promise<'healthy' | 'exited' | 'timeout'> => {
  let exitedEarly = false;
  void exited?.then(() => (exitedEarly = true));
  const deadline = Date.now() + component.startTimeoutMs;
  while (Date.now() < deadline) {
    if (await component.isHealthy(options)) return 'healthy';
    if (exitedEarly) return 'exited';
    await sleep(300);
  }
  return 'timeout';
};

const assertPortsFree = async (component: Component, options: StackOptions): Promise<void> => {
  for (const port of component.ports(options)) {
    if (await isPortOpen(port)) {
      throw new TributaryError(
        'PORT_IN_USE',
        `Port ${port} (needed by ${component.name}) is used by a process this stack did not start; stop it (\`ss -ltnp 'sport = :${port}'\` shows which) or set ${portVariableOf(options, port)} to a free port`,
        { details: { component: component.name, port } },
      );
    }
  }
};

export type Plan = { kind: 'reuse'; pid: number } | { kind: 'start' };

/**
 * Decides, without starting anything, whether a component is reused or started, and checks what
 * a start needs (free ports, Java). Running this for all components first means a missing
 * prerequisite stops `up` before any process was started.
 */
export const planComponent = async (component: Component, context: ComponentContext): Promise<Plan> => {
  const { options } = context;
  const { pidFile } = stackPaths(options.stackDir, component.name);
  const previous = await readPidFile(pidFile);
  if (previous !== undefined && isOurs(previous, options.stackDir)) return { kind: 'reuse', pid: previous };
  if (previous !== undefined) await removePidFile(pidFile);
  await assertPortsFree(component, options);
  if (component.needsJava) await context.java();
  return { kind: 'start' };
};

export const reuseComponent = async (component: Component, context: ComponentContext, pid: number): Promise<void> => {
  const { options, onProgress } = context;
  const address = component.address(options);
  if (!(await component.isHealthy(options))) {
    onProgress(`${component.name}: process ${pid} is up but not healthy yet, waiting`);
    if ((await awaitHealthy(component, options)) !== 'healthy') {
      throw await startFailure(component, options, `(process ${pid}) did not become healthy within ${component.startTimeoutMs / 1000} s; run \`tributary stack down\` and retry`);
    }
  }
  onProgress(`${component.name}: already running at ${address} (pid ${pid})`);
};

/** Starts an installed component (`installDir` from its `install`) and waits until it is healthy. */
export const startComponent = async (component: Component, context: ComponentContext, started: Map<ComponentName, number>, installDir: string): Promise<void> => {
  const { options, onProgress } = context;
  const paths = stackPaths(options.stackDir, component.name);
  const address = component.address(options);
  const launch = await component.prepare(context, installDir);
  // A first install takes minutes; someone may have taken the port meanwhile, and a health check
  // would then pass against their server while ours dies on bind.
  await assertPortsFree(component, options);
  await mkdir(paths.logDir, { recursive: true });
  await mkdir(dirname(paths.pidFile), { recursive: true });
  await rotateIfLarge(paths.logFile);
  await appendFile(paths.logFile, `\n${startMarker} ${component.name} at ${new Date().toISOString()} ===\n`);

  onProgress(`${component.name}: starting at ${address}`);
  const since = Date.now();
  let child: DetachedProcess;
  try {
    child = await spawnDetached({ ...launch, logFile: paths.logFile });
  } catch (cause) {
    throw await startFailure(component, options, `could not be started (${launch.command})`, cause);
  }
  await writePidFile(paths.pidFile, child.pid);
  started.set(component.name, child.pid);

  const result = await awaitHealthy(component, options, child.exited);
  if (result === 'exited') throw await startFailure(component, options, 'exited during start-up');
  if (result === 'timeout') throw await startFailure(component, options, `did not become healthy within ${component.startTimeoutMs / 1000} s`);
  if (!isAlive(child.pid)) throw await startFailure(component, options, 'exited during start-up');
  onProgress(`${component.name}: ready at ${address} (pid ${child.pid}, ${seconds(since)})`);
};

export const firstFailure = (results: readonly PromiseSettledResult<unknown>[]): TributaryError | undefined => {
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  return failed ? toTributaryError(failed.reason, 'STACK_START_FAILED') : undefined;
};

export const stopComponent = async (component: Component, options: StackOptions, onProgress: (line: string) => void): Promise<void> => {
  const { pidFile } = stackPaths(options.stackDir, component.name);
  const pid = await readPidFile(pidFile);
  if (pid !== undefined && isOurs(pid, options.stackDir)) {
    const since = Date.now();
    onProgress(`${component.name}: stopping (pid ${pid})`);
    const how = await stopProcess(pid, component.stopGraceMs);
    onProgress(`${component.name}: ${how === 'stopped' ? 'stopped' : `killed after ${component.stopGraceMs / 1000} s without stopping`} (${seconds(since)})`);
  } else {
    onProgress(`${component.name}: not running`);
  }
  await removePidFile(pidFile);
};
