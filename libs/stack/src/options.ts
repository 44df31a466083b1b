import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TributaryError } from '@tributary/errors';

export interface StackPorts {
  kafka: number;
  kafkaController: number;
  registry: number;
  store: number;
  /** Jaeger's UI and HTTP query API. */
  jaegerUi: number;
  /** Jaeger's gRPC query API (its UI does not need it, but it always binds one). */
  jaegerGrpc: number;
  /** Where services send spans: OTLP over HTTP, and over gRPC. */
  otlpHttp: number;
  otlpGrpc: number;
}

/**
 * Where one Kafka node's listeners are reached when something stands between the nodes (a test's
 * TCP proxies): the address each node advertises to clients and to the other brokers, and the
 * address one node dials for another's controller. Without routes every node is reached directly.
 */
export interface KafkaRoutes {
  advertisedPort: (node: number) => number;
  controllerPort: (from: number, to: number) => number;
}

export interface StackOptions {
  /** Data, logs and pid files of one stack; two stacks with different folders and ports never collide. */
  stackDir: string;
  /**
   * Kafka nodes: 1 (a single broker+controller) or 3 (a cluster of three combined nodes with a
   * controller quorum of three; node n listens on the Kafka and controller ports + 2(n-1)).
   */
  brokers: number;
  kafkaRoutes?: KafkaRoutes;
  /** Downloads and builds, shared by every stack and every clone on the machine. */
  cacheDir: string;
  ports: StackPorts;
  /**
   * A built Jaeger UI (a folder with index.html) for Jaeger to serve: the Go module Jaeger is
   * built from carries no UI bundle, so without it the UI address shows a placeholder page.
   */
  jaegerUiAssets?: string;
}

/** Jaeger's and OTLP's ports are their projects' own defaults, so tools and docs for them fit as they are. */
export const defaultPorts: StackPorts = {
  kafka: 9092,
  kafkaController: 9093,
  registry: 8081,
  store: 27017,
  jaegerUi: 16686,
  jaegerGrpc: 16685,
  otlpHttp: 4318,
  otlpGrpc: 4317,
};

/** Environment variable per port, so every address the stack binds can be moved. */
export const portVariables: Record<keyof StackPorts, string> = {
  kafka: 'TRIBUTARY_KAFKA_PORT',
  kafkaController: 'TRIBUTARY_KAFKA_CONTROLLER_PORT',
  registry: 'TRIBUTARY_REGISTRY_PORT',
  store: 'TRIBUTARY_STORE_PORT',
  jaegerUi: 'TRIBUTARY_JAEGER_UI_PORT',
  jaegerGrpc: 'TRIBUTARY_JAEGER_GRPC_PORT',
  otlpHttp: 'TRIBUTARY_OTLP_HTTP_PORT',
  otlpGrpc: 'TRIBUTARY_OTLP_GRPC_PORT',
};

type Environment = Record<string, string | undefined>;

/** Node counts the stack can run: one node, or the smallest cluster that survives losing one. */
export const brokerCounts = [1, 3] as const;

export const brokersVariable = 'TRIBUTARY_KAFKA_NODES';

/** A broker count from a flag or a variable; `source` names it in the error. */
export const parseBrokers = (raw: string | number | undefined, source: string, fallback = 1): number => {
  if (raw === undefined || String(raw).trim() === '') return fallback;
  const value = Number(String(raw).trim());
  if (!(brokerCounts as readonly number[]).includes(value)) {
    throw new TributaryError('CONFIG_INVALID', `${source}=${raw} is not a broker count the local stack runs; use 1 (one node) or 3 (a three-node cluster)`, {
      details: { source, value: raw },
    });
  }
  return value;
};

const parsePort = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new TributaryError('CONFIG_INVALID', `${name}=${raw} is not a TCP port; use a whole number from 1 to 65535 or unset it`, {
      details: { variable: name, value: raw },
    });
  }
  return value;
};

const isWorkspaceRoot = (dir: string): boolean => {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object);
  } catch {
    return false;
  }
};

/** The monorepo root this package lives in (the stack folder defaults to a git-ignored folder there). */
export const repoRoot = (start: string = dirname(fileURLToPath(import.meta.url))): string => {
  for (let dir = start; ; dir = dirname(dir)) {
    if (isWorkspaceRoot(dir)) return dir;
    if (dirname(dir) === dir) return resolve(start, '../../..');
  }
};

/** Reads the stack's folders and ports from the environment, falling back to the documented defaults. */
export const resolveStackOptions = (env: Environment = process.env, root: string = repoRoot()): StackOptions => {
  const ports: StackPorts = { ...defaultPorts };
  for (const name of Object.keys(defaultPorts) as (keyof StackPorts)[]) ports[name] = parsePort(portVariables[name], env[portVariables[name]], defaultPorts[name]);
  const cacheDir = env['TRIBUTARY_CACHE_DIR']?.trim() || join(homedir(), '.cache', 'tributary');
  const stackDir = env['TRIBUTARY_STACK_DIR']?.trim() || join(root, '.tributary', 'stack');
  const jaegerUiAssets = env['TRIBUTARY_JAEGER_UI_ASSETS']?.trim();
  const brokers = parseBrokers(env[brokersVariable], brokersVariable);
  assertDistinctPorts(ports, brokers);
  return { stackDir: resolve(stackDir), cacheDir: resolve(cacheDir), brokers, ports, ...(jaegerUiAssets ? { jaegerUiAssets: resolve(jaegerUiAssets) } : {}) };
};

/** Every port the stack binds by name; a cluster's further nodes take the ports above Kafka's (see kafkaNodes). */
const boundPorts = (ports: StackPorts, brokers: number): [string, number][] => {
  const entries: [string, number][] = Object.entries(ports) as [string, number][];
  for (let node = 2; node <= brokers; node += 1) {
    entries.push([`kafka-${node}`, ports.kafka + 2 * (node - 1)], [`kafka-${node} controller`, ports.kafkaController + 2 * (node - 1)]);
  }
  return entries;
};

export const assertDistinctPorts = (ports: StackPorts, brokers = 1): void => {
  const seen = new Map<number, string>();
  for (const [component, port] of boundPorts(ports, brokers)) {
    const other = seen.get(port);
    if (other !== undefined) {
      throw new TributaryError(
        'CONFIG_INVALID',
        `Port ${port} is set for both ${other} and ${component}; give each its own port (${Object.values(portVariables).join(', ')}; node n of a cluster takes the Kafka and controller ports + 2(n-1))`,
        { details: { port, components: [other, component] } },
      );
    }
    seen.set(port, component);
  }
};
