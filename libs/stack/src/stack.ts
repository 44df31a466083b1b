import { appendFile, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TributaryError, toTributaryError } from '@tributary/errors';
import type { Component, ComponentContext, ComponentName } from './component.ts';
import { kafkaComponent } from './components/kafka.ts';
import { registryComponent } from './components/registry.ts';
import { storeComponent } from './components/store.ts';
import { stackEndpoints, type StackEndpoints } from './endpoints.ts';
import { stackLockDir, stackPaths } from './layout.ts';
import { withLock } from './lock.ts';
import { rotateIfLarge, startMarker, tailOfLastRun } from './logs.ts';
import { isPortOpen } from './network.ts';
import { assertDistinctPorts, portVariables, resolveStackOptions, type StackOptions, type StackPorts } from './options.ts';
import { requireJava } from './prerequisites.ts';
import { isAlive, isOurs, readPidFile, removePidFile, spawnDetached, stopProcess, writePidFile, type DetachedProcess } from './processes.ts';
import type { ComponentStatus } from './status-table.ts';

export const components: readonly Component[] = [kafkaComponent, registryComponent, storeComponent];

/** Options for one call; anything left out comes from the environment (see resolveStackOptions). */
export interface StackCallOptions {
  stackDir?: string;
  cacheDir?: string;
  ports?: Partial<StackPorts>;
  /** Human-readable progress ("kafka: starting on 127.0.0.1:9092"); downloads can take minutes. */
  onProgress?: (line: string) => void;
}

/** Which components `stackDown` stops; all of them unless given (fault tests stop one at a time). */
export interface StackDownOptions extends StackCallOptions {
  only?: readonly ComponentName[];
  /** Also deletes the stopped components' data, so the next `up` starts empty (logs and downloads stay). */
  wipe?: boolean;
}

export const completeOptions = (call: StackCallOptions = {}): StackOptions => {
  const base = resolveStackOptions();
  const options: StackOptions = {
    stackDir: call.stackDir ?? base.stackDir,
    cacheDir: call.cacheDir ?? base.cacheDir,
    ports: { ...base.ports, ...call.ports },
  };
  assertDistinctPorts(options.ports);
  return options;
};

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

type Plan = { kind: 'reuse'; pid: number } | { kind: 'start' };

/**
 * Decides, without starting anything, whether a component is reused or started, and checks what
 * a start needs (free ports, Java). Running this for all components first means a missing
 * prerequisite stops `up` before any process was started.
 */
const planComponent = async (component: Component, context: ComponentContext): Promise<Plan> => {
  const { options } = context;
  const { pidFile } = stackPaths(options.stackDir, component.name);
  const previous = await readPidFile(pidFile);
  if (previous !== undefined && isOurs(previous, options.stackDir)) return { kind: 'reuse', pid: previous };
  if (previous !== undefined) await removePidFile(pidFile);
  await assertPortsFree(component, options);
  if (component.needsJava) await context.java();
  return { kind: 'start' };
};

const reuseComponent = async (component: Component, context: ComponentContext, pid: number): Promise<void> => {
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

const startComponent = async (component: Component, context: ComponentContext, started: Map<ComponentName, number>): Promise<void> => {
  const { options, onProgress } = context;
  const paths = stackPaths(options.stackDir, component.name);
  const address = component.address(options);
  const installDir = await component.install(context);
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

const firstFailure = (results: readonly PromiseSettledResult<unknown>[]): TributaryError | undefined => {
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  return failed ? toTributaryError(failed.reason, 'STACK_START_FAILED') : undefined;
};

const stopComponent = async (component: Component, options: StackOptions, onProgress: (line: string) => void): Promise<void> => {
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

/**
 * Installs on first use, then starts Kafka, the schema registry and the store in parallel and
 * returns once all three answer their health checks. Components that already run are reused.
 * If any fails, the ones this call started are stopped again, so a failed `up` leaves no half stack.
 */
export const stackUp = async (call: StackCallOptions = {}): Promise<StackEndpoints> => {
  const options = completeOptions(call);
  const onProgress = call.onProgress ?? (() => undefined);
  await mkdir(dirname(stackLockDir(options.stackDir)), { recursive: true });
  return withLock(
    stackLockDir(options.stackDir),
    async () => {
      let java: Promise<string> | undefined;
      const context: ComponentContext = { options, onProgress, java: () => (java ??= requireJava()) };
      const plans = await Promise.allSettled(components.map((component) => planComponent(component, context)));
      const planFailure = firstFailure(plans);
      if (planFailure) throw planFailure;

      const started = new Map<ComponentName, number>();
      const results = await Promise.allSettled(
        components.map((component, index) => {
          const plan = (plans[index] as PromiseFulfilledResult<Plan>).value;
          return plan.kind === 'reuse' ? reuseComponent(component, context, plan.pid) : startComponent(component, context, started);
        }),
      );
      const failure = firstFailure(results);
      if (failure) {
        await Promise.all(
          components.filter((component) => started.has(component.name)).map((component) => stopComponent(component, options, onProgress)),
        );
        // One clear reason beats three; the first failure is usually the cause of the others.
        throw failure;
      }
      return stackEndpoints(options);
    },
    { onWait: (pid) => onProgress(`waiting for another tributary stack command (pid ${pid}) on ${options.stackDir}`) },
  );
};

/**
 * Stops every component this stack started, or those named in `only` (SIGTERM, then SIGKILL after
 * its grace period); `stackUp` later starts what is missing and reuses the rest.
 */
export const stackDown = async (call: StackDownOptions = {}): Promise<void> => {
  const options = completeOptions(call);
  const onProgress = call.onProgress ?? (() => undefined);
  await mkdir(dirname(stackLockDir(options.stackDir)), { recursive: true });
  await withLock(
    stackLockDir(options.stackDir),
    async () => {
      const chosen = components.filter((component) => call.only?.includes(component.name) ?? true);
      await Promise.all(chosen.map((component) => stopComponent(component, options, onProgress)));
      if (!call.wipe) return;
      // Only once every chosen process has stopped: a running broker or store would keep writing.
      for (const component of chosen) {
        const { data } = stackPaths(options.stackDir, component.name);
        await rm(data, { recursive: true, force: true });
        onProgress(`${component.name}: data deleted (${data})`);
      }
    },
    { onWait: (pid) => onProgress(`waiting for another tributary stack command (pid ${pid}) on ${options.stackDir}`) },
  );
};

export interface StackStatus {
  stackDir: string;
  components: ComponentStatus[];
  /** True when every component runs and is healthy. */
  healthy: boolean;
  endpoints: StackEndpoints;
}

/** What runs where, without changing anything (no lock: it must answer while `up` is busy). */
export const stackStatus = async (call: StackCallOptions = {}): Promise<StackStatus> => {
  const options = completeOptions(call);
  const rows = await Promise.all(
    components.map(async (component): Promise<ComponentStatus> => {
      const paths = stackPaths(options.stackDir, component.name);
      const pid = await readPidFile(paths.pidFile);
      const ours = pid !== undefined && isOurs(pid, options.stackDir);
      const base = { component: component.name, address: component.address(options), logFile: paths.logFile };
      if (ours) return { ...base, state: (await component.isHealthy(options)) ? 'running' : 'starting', pid };
      const taken = (await Promise.all(component.ports(options).map((port) => isPortOpen(port)))).some(Boolean);
      return { ...base, state: taken ? 'port taken' : 'stopped', pid: undefined };
    }),
  );
  return {
    stackDir: options.stackDir,
    components: rows,
    healthy: rows.every((row) => row.state === 'running'),
    endpoints: stackEndpoints(options),
  };
};
