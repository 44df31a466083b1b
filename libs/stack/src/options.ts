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

export interface StackOptions {
  /** Data, logs and pid files of one stack; two stacks with different folders and ports never collide. */
  stackDir: string;
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
  assertDistinctPorts(ports);
  const cacheDir = env['TRIBUTARY_CACHE_DIR']?.trim() || join(homedir(), '.cache', 'tributary');
  const stackDir = env['TRIBUTARY_STACK_DIR']?.trim() || join(root, '.tributary', 'stack');
  const jaegerUiAssets = env['TRIBUTARY_JAEGER_UI_ASSETS']?.trim();
  return { stackDir: resolve(stackDir), cacheDir: resolve(cacheDir), ports, ...(jaegerUiAssets ? { jaegerUiAssets: resolve(jaegerUiAssets) } : {}) };
};

export const assertDistinctPorts = (ports: StackPorts): void => {
  const seen = new Map<number, string>();
  for (const [component, port] of Object.entries(ports) as [string, number][]) {
    const other = seen.get(port);
    if (other !== undefined) {
      throw new TributaryError(
        'CONFIG_INVALID',
        `Port ${port} is set for both ${other} and ${component}; give each its own port (${Object.values(portVariables).join(', ')})`,
        { details: { port, components: [other, component] } },
      );
    }
    seen.set(port, component);
  }
};
