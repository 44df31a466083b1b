import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Component, ComponentContext, ComponentName } from './component.ts';
import { firstFailure, planComponent, reuseComponent, startComponent, stopComponent, type Plan } from './component-lifecycle.ts';
import { jaegerComponent } from './components/jaeger.ts';
import { kafkaComponent } from './components/kafka.ts';
import { registryComponent } from './components/registry.ts';
import { storeComponent } from './components/store.ts';
import { stackEndpoints, type StackEndpoints } from './endpoints.ts';
import { stackLockDir, stackPaths } from './layout.ts';
import { withLock } from './lock.ts';
import { isPortOpen } from './network.ts';
import { assertDistinctPorts, resolveStackOptions, type StackOptions, type StackPorts } from './options.ts';
import { requireJava } from './prerequisites.ts';
import { isOurs, readPidFile } from './processes.ts';
import type { ComponentStatus } from './status-table.ts';

/** What the services cannot run without. */
const backbone: readonly Component[] = [kafkaComponent, registryComponent, storeComponent];
/** Only with `tracing`: services run as well without it, and its first build takes minutes. */
const tracingComponents: readonly Component[] = [jaegerComponent];

export const components: readonly Component[] = [...backbone, ...tracingComponents];

/** Options for one call; anything left out comes from the environment (see resolveStackOptions). */
export interface StackCallOptions {
  stackDir?: string;
  cacheDir?: string;
  ports?: Partial<StackPorts>;
  /**
   * `stackUp` also runs Jaeger, the trace store the services send spans to (off unless asked, so
   * tests and scripts do not pay for its build); the CLI asks for it unless --no-tracing.
   */
  tracing?: boolean;
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
    ...(base.jaegerUiAssets ? { jaegerUiAssets: base.jaegerUiAssets } : {}),
  };
  assertDistinctPorts(options.ports);
  return options;
};

/**
 * Installs on first use, then starts Kafka, the schema registry and the store (and Jaeger, with
 * `tracing`) in parallel and returns once all answer their health checks. Components that already
 * run are reused. Every install finishes before anything starts: a Go build takes both cores for
 * minutes, and a broker starting meanwhile could miss its start timeout. If any fails, the ones
 * this call started are stopped again, so a failed `up` leaves no half stack.
 */
export const stackUp = async (call: StackCallOptions = {}): Promise<StackEndpoints> => {
  const options = completeOptions(call);
  const onProgress = call.onProgress ?? (() => undefined);
  const tracing = call.tracing === true;
  const chosen = tracing ? components : backbone;
  await mkdir(dirname(stackLockDir(options.stackDir)), { recursive: true });
  return withLock(
    stackLockDir(options.stackDir),
    async () => {
      let java: Promise<string> | undefined;
      const context: ComponentContext = { options, onProgress, java: () => (java ??= requireJava()) };
      const plans = await Promise.allSettled(chosen.map((component) => planComponent(component, context)));
      const planFailure = firstFailure(plans);
      if (planFailure) throw planFailure;
      const planOf = (index: number): Plan => (plans[index] as PromiseFulfilledResult<Plan>).value;
      const installs = await Promise.allSettled(chosen.map((component, index) => (planOf(index).kind === 'start' ? component.install(context) : Promise.resolve(''))));
      const installFailure = firstFailure(installs);
      if (installFailure) throw installFailure;

      const started = new Map<ComponentName, number>();
      const results = await Promise.allSettled(
        chosen.map((component, index) => {
          const plan = planOf(index);
          const installDir = (installs[index] as PromiseFulfilledResult<string>).value;
          return plan.kind === 'reuse' ? reuseComponent(component, context, plan.pid) : startComponent(component, context, started, installDir);
        }),
      );
      const failure = firstFailure(results);
      if (failure) {
        await Promise.all(
          chosen.filter((component) => started.has(component.name)).map((component) => stopComponent(component, options, onProgress)),
        );
        // One clear reason beats three; the first failure is usually the cause of the others.
        throw failure;
      }
      return stackEndpoints(options, tracing);
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
        // Jaeger keeps its spans in memory: there is nothing of it to delete.
        if (!existsSync(data)) continue;
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
  /** True when Kafka, the registry and the store run and are healthy, and Jaeger is either healthy or not started. */
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
  const isBackbone = (row: ComponentStatus): boolean => backbone.some((component) => component.name === row.component);
  const tracingRunning = rows.some((row) => !isBackbone(row) && row.state === 'running');
  return {
    stackDir: options.stackDir,
    components: rows,
    healthy: rows.every((row) => (isBackbone(row) ? row.state === 'running' : row.state !== 'starting')),
    endpoints: stackEndpoints(options, tracingRunning),
  };
};
