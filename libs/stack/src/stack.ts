import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Component, ComponentContext, ComponentName } from './component.ts';
import { firstFailure, planComponent, reuseComponent, startComponent, stopComponent, type Plan } from './component-lifecycle.ts';
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
