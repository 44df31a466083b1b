import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TributaryError } from '@tributary/errors';
import { isCompatibilityLevel, type CompatibilityLevel } from './levels.ts';

/**
 * The two files next to the schemas that say how they may evolve:
 * `compatibility.json` ({ default, eventTypes: { EventType: level } }) and
 * `consumers.json` ({ consumers: [{ name, stream, reads: { EventType: version | 'latest' } }] }).
 */

export interface CompatibilityConfig {
  readonly default: CompatibilityLevel;
  readonly eventTypes: Readonly<Record<string, CompatibilityLevel>>;
}

export interface ConsumerContract {
  readonly name: string;
  readonly stream: string;
  readonly reads: Readonly<Record<string, number | 'latest'>>;
}

const defaultLevel: CompatibilityLevel = 'BACKWARD_TRANSITIVE';

const readJson = (file: string, required: boolean): unknown => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    if (!required && (cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TributaryError('SCHEMA_NOT_FOUND', `Cannot read ${file}`, { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new TributaryError('SCHEMA_INVALID', `${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Pure: validates the parsed compatibility.json; `where` names the file in messages. */
export const parseCompatibilityConfig = (json: unknown, where: string): CompatibilityConfig => {
  if (json === undefined) return { default: defaultLevel, eventTypes: {} };
  const levels = isObject(json) ? json : {};
  const level = (value: unknown, key: string): CompatibilityLevel => {
    if (!isCompatibilityLevel(value)) {
      throw new TributaryError('SCHEMA_INVALID', `${where}: ${key} is ${JSON.stringify(value)}; use BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE`);
    }
    return value;
  };
  const eventTypes = isObject(levels['eventTypes']) ? levels['eventTypes'] : {};
  return {
    default: levels['default'] === undefined ? defaultLevel : level(levels['default'], '"default"'),
    eventTypes: Object.fromEntries(Object.entries(eventTypes).map(([eventType, value]) => [eventType, level(value, `the level of ${eventType}`)])),
  };
};

/** Pure: validates the parsed consumers.json. */
export const parseConsumers = (json: unknown, where: string): ConsumerContract[] => {
  if (json === undefined) return [];
  const list = isObject(json) ? json['consumers'] : undefined;
  if (!Array.isArray(list)) throw new TributaryError('SCHEMA_INVALID', `${where}: expected { "consumers": [ ... ] }`);
  return list.map((entry: unknown, index) => {
    const consumer = isObject(entry) ? entry : {};
    const { name, stream, reads } = consumer;
    if (typeof name !== 'string' || typeof stream !== 'string' || !isObject(reads)) {
      throw new TributaryError('SCHEMA_INVALID', `${where}: consumer #${index + 1} needs a "name", a "stream" and "reads": { EventType: version or "latest" }`);
    }
    for (const [eventType, version] of Object.entries(reads)) {
      if (version !== 'latest' && !(typeof version === 'number' && Number.isInteger(version) && version > 0)) {
        throw new TributaryError('SCHEMA_INVALID', `${where}: consumer ${name} reads ${eventType} at ${JSON.stringify(version)}; give a version number or "latest"`);
      }
    }
    return { name, stream, reads: reads as Record<string, number | 'latest'> };
  });
};

export const levelFor = (config: CompatibilityConfig, eventType: string): CompatibilityLevel => config.eventTypes[eventType] ?? config.default;

export const loadCompatibilityConfig = (dir: string): CompatibilityConfig => {
  const file = path.join(dir, 'compatibility.json');
  return parseCompatibilityConfig(readJson(file, false), file);
};

export const loadConsumers = (dir: string): ConsumerContract[] => {
  const file = path.join(dir, 'consumers.json');
  return parseConsumers(readJson(file, false), file);
};
