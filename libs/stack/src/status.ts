import type { Component } from './component.ts';
import { activeController } from './components/kafka-quorum.ts';
import { kafkaNodes } from './components/kafka-nodes.ts';
import { stackEndpoints, type StackEndpoints } from './endpoints.ts';
import { stackPaths } from './layout.ts';
import { isPortOpen } from './network.ts';
import type { StackOptions } from './options.ts';
import { isOurs, readPidFile } from './processes.ts';
import { backboneOf, componentsOf, existingStackOptions, type StackCallOptions } from './stack.ts';
import type { ComponentStatus } from './status-table.ts';

export interface StackStatus {
  stackDir: string;
  /** Kafka nodes of this stack: 1, or 3 for a cluster. */
  brokers: number;
  components: ComponentStatus[];
  /** True when every Kafka node, the registry and the store run and are healthy, and Jaeger is either healthy or not started. */
  healthy: boolean;
  endpoints: StackEndpoints;
}

/** What a Kafka node does in its cluster; the active controller is the quorum's elected leader. */
const rolesOf = async (options: StackOptions): Promise<Map<string, string>> => {
  const leader = options.brokers === 1 ? undefined : await activeController(options);
  return new Map(kafkaNodes(options).map((node) => [node.name, `broker, controller${node.id === leader ? ' (active)' : ''}`]));
};

const statusOf = async (component: Component, options: StackOptions, role: string): Promise<ComponentStatus> => {
  const paths = stackPaths(options.stackDir, component.name);
  const pid = await readPidFile(paths.pidFile);
  const base = { component: component.name, role, address: component.address(options), logFile: paths.logFile };
  if (pid !== undefined && isOurs(pid, options.stackDir)) return { ...base, state: (await component.isHealthy(options)) ? 'running' : 'starting', pid };
  const taken = (await Promise.all(component.ports(options).map((port) => isPortOpen(port)))).some(Boolean);
  return { ...base, state: taken ? 'port taken' : 'stopped', pid: undefined };
};

/** What runs where, without changing anything (no lock: it must answer while `up` is busy). */
export const stackStatus = async (call: StackCallOptions = {}): Promise<StackStatus> => {
  const options = await existingStackOptions(call);
  const roles = await rolesOf(options);
  const rows = await Promise.all(componentsOf(options).map((component) => statusOf(component, options, roles.get(component.name) ?? '-')));
  const backbone = new Set(backboneOf(options).map((component) => component.name));
  const isBackbone = (row: ComponentStatus): boolean => backbone.has(row.component);
  const tracingRunning = rows.some((row) => !isBackbone(row) && row.state === 'running');
  return {
    stackDir: options.stackDir,
    brokers: options.brokers,
    components: rows,
    healthy: rows.every((row) => (isBackbone(row) ? row.state === 'running' : row.state !== 'starting')),
    endpoints: stackEndpoints(options, tracingRunning),
  };
};
