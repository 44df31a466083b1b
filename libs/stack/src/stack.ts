import { existsSync } from 'node:fs';
import { TributaryError } from '@tributary/errors';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Component, ComponentContext, ComponentName } from './component.ts';
import { firstFailure, planComponent, reuseComponent, startComponent, stopComponent, type Plan } from './component-lifecycle.ts';
import { jaegerComponent } from './components/jaeger.ts';
import { kafkaComponents } from './components/kafka.ts';
import { registryComponent } from './components/registry.ts';
import { storeComponent } from './components/store.ts';
import { stackEndpoints, type StackEndpoints } from './endpoints.ts';
import { readRecordedBrokers, recordBrokers, stackLockDir, stackPaths } from './layout.ts';
import { withLock } from './lock.ts';
import { assertDistinctPorts, resolveStackOptions, type KafkaRoutes, type StackOptions, type StackPorts } from './options.ts';
import { requireJava } from './prerequisites.ts';
import { isOurs, readPidFile } from './processes.ts';

/** What the services cannot run without: every Kafka node, the registry and the store. */
export const backboneOf = (options: StackOptions): Component[] => [...kafkaComponents(options), registryComponent, storeComponent];

/** Jaeger too: services run as well without it, and its first build takes minutes. */
export const componentsOf = (options: StackOptions): Component[] => [...backboneOf(options), jaegerComponent];

/** Options for one call; anything left out comes from the environment (see resolveStackOptions). */
export interface StackCallOptions {
  stackDir?: string;
  cacheDir?: string;
  ports?: Partial<StackPorts>;
  /** Kafka nodes, 1 or 3; by default TRIBUTARY_KAFKA_NODES, or for `status` and `down` what the last `up` ran. */
  brokers?: number;
  /** For tests that put proxies between the nodes: see KafkaRoutes. */
  kafkaRoutes?: KafkaRoutes;
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

export const completeOptions = (call: StackCallOptions = {}, recordedBrokers?: number): StackOptions => {
  const base = resolveStackOptions();
  const options: StackOptions = {
    stackDir: call.stackDir ?? base.stackDir,
    cacheDir: call.cacheDir ?? base.cacheDir,
    brokers: call.brokers ?? recordedBrokers ?? base.brokers,
    ports: { ...base.ports, ...call.ports },
    ...(call.kafkaRoutes ? { kafkaRoutes: call.kafkaRoutes } : {}),
    ...(base.jaegerUiAssets ? { jaegerUiAssets: base.jaegerUiAssets } : {}),
  };
  assertDistinctPorts(options.ports, options.brokers);
  return options;
};

/** The options of a stack that may already run: its folder's recorded node count unless the call names one. */
export const existingStackOptions = async (call: StackCallOptions = {}): Promise<StackOptions> => {
  const first = completeOptions(call);
  return call.brokers === undefined ? completeOptions(call, await readRecordedBrokers(first.stackDir)) : first;
};

/** A stack runs one layout at a time: a single node and a cluster would share ports and folder. */
const assertSameLayout = async (options: StackOptions): Promise<void> => {
  const recorded = await readRecordedBrokers(options.stackDir);
  if (recorded === undefined || recorded === options.brokers) return;
  const running = await Promise.all(kafkaComponents({ ...options, brokers: recorded }).map(async (node) => {
    const pid = await readPidFile(stackPaths(options.stackDir, node.name).pidFile);
    return pid !== undefined && isOurs(pid, options.stackDir);
  }));
  if (running.some(Boolean)) {
    throw new TributaryError('STACK_START_FAILED', `The stack in ${options.stackDir} runs ${recorded} Kafka node(s), not ${options.brokers}; run \`tributary stack down\` first, or use another TRIBUTARY_STACK_DIR`, {
      details: { running: recorded, asked: options.brokers },
    });
  }
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
  const chosen = tracing ? componentsOf(options) : backboneOf(options);
  await mkdir(dirname(stackLockDir(options.stackDir)), { recursive: true });
  return withLock(
    stackLockDir(options.stackDir),
    async () => {
      await assertSameLayout(options);
      await recordBrokers(options.stackDir, options.brokers);
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
  const options = await existingStackOptions(call);
  const onProgress = call.onProgress ?? (() => undefined);
  await mkdir(dirname(stackLockDir(options.stackDir)), { recursive: true });
  await withLock(
    stackLockDir(options.stackDir),
    async () => {
      // `only: ['kafka']` means every node of a cluster.
      const named = (name: ComponentName): boolean => call.only === undefined || call.only.includes(name) || (name.startsWith('kafka-') && call.only.includes('kafka'));
      const chosen = componentsOf(options).filter((component) => named(component.name));
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
