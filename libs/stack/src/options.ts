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
}

export interface StackOptions {
  /** Data, logs and pid files of one stack; two stacks with different folders and ports never collide. */
  stackDir: string;
  /** Downloads and builds, shared by every stack and every clone on the machine. */
  cacheDir: string;
  ports: StackPorts;
}

export const defaultPorts: StackPorts = { kafka: 9092, kafkaController: 9093, registry: 8081, store: 27017 };

/** Environment variable per port, so every address the stack binds can be moved. */
export const portVariables: Record<keyof StackPorts, string> = {
  kafka: 'TRIBUTARY_KAFKA_PORT',
  kafkaController: 'TRIBUTARY_KAFKA_CONTROLLER_PORT',
  registry: 'TRIBUTARY_REGISTRY_PORT',
  store: 'TRIBUTARY_STORE_PORT',
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
  const ports: StackPorts = {
    kafka: parsePort(portVariables.kafka, env[portVariables.kafka], defaultPorts.kafka),
    kafkaController: parsePort(portVariables.kafkaController, env[portVariables.kafkaController], defaultPorts.kafkaController),
    registry: parsePort(portVariables.registry, env[portVariables.registry], defaultPorts.registry),
    store: parsePort(portVariables.store, env[portVariables.store], defaultPorts.store),
  };
  assertDistinctPorts(ports);
  const cacheDir = env['TRIBUTARY_CACHE_DIR']?.trim() || join(homedir(), '.cache', 'tributary');
  const stackDir = env['TRIBUTARY_STACK_DIR']?.trim() || join(root, '.tributary', 'stack');
  return { stackDir: resolve(stackDir), cacheDir: resolve(cacheDir), ports };
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
