import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { TributaryError } from '@tributary/errors';
import { parse } from 'yaml';
import { readSetting, type Settings, type SettingsSpec } from './settings.ts';

/**
 * The settings file (TRIBUTARY_CONFIG_FILE): a YAML or JSON mapping of settings by their
 * environment variable names, read by the same schemas as the environment, over which it lies:
 *
 *   LOG_LEVEL: debug
 *   BREAKER_VOLUME_THRESHOLD: 3
 *   KAFKA_BROKERS: [kafka-1:9092, kafka-2:9092]   # a list is the comma-separated text
 *
 * JSON is YAML too, so one parser reads both.
 */
export type SettingsFileValues = Readonly<Record<string, string | undefined>>;

const refused = (file: string, reason: string, cause?: unknown) => new TributaryError('CONFIG_INVALID', `Settings file ${file} refused: ${reason}`, { cause, details: { file } });

/** A value as the text an environment variable would hold; undefined for a null (not set). */
const asText = (file: string, key: string, value: unknown): string | undefined => {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => ['string', 'number'].includes(typeof item))) return value.join(',');
  throw refused(file, `${key}: must be a single value or a list of values`);
};

/** Reads and parses the file; a missing file, a syntax error or anything but a mapping is refused with the reason. */
export const readSettingsFile = async (file: string): Promise<SettingsFileValues> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw refused(file, `cannot read it (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`, cause);
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (cause) {
    throw refused(file, `not YAML or JSON: ${(cause as Error).message.split('\n')[0] ?? ''}`, cause);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw refused(file, 'must be a mapping of settings by variable name, such as LOG_LEVEL: debug');
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, asText(file, key, value)]));
};

/**
 * The start-up settings with the file's values over them, each read by its own setting's schema.
 * A setting the file leaves out keeps its start-up value; a key that is no setting of this
 * service is listed in `unknown` (one file may serve several services).
 */
export const overlaySettings = <S extends SettingsSpec>(spec: S, base: Settings<S>, file: string, values: SettingsFileValues): { settings: Settings<S>; unknown: string[] } => {
  const byEnv = new Map(Object.entries(spec).map(([key, one]) => [one.env, { key, one }]));
  const settings: Record<string, unknown> = { ...base };
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(values)) {
    const known = byEnv.get(name);
    if (!known || raw === undefined) continue;
    const read = readSetting(known.one, raw);
    if (read.ok) settings[known.key] = read.value;
    else problems.push(read.problem);
  }
  if (problems.length > 0) throw refused(file, problems.join(' | '));
  return { settings: settings as Settings<S>, unknown: Object.keys(values).filter((name) => !byEnv.has(name)) };
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * What differs between the settings in force and new ones: the keys that may change at run time,
 * and the variable names of those that need a restart.
 */
export const settingsChanges = <S extends SettingsSpec>(spec: S, current: Settings<S>, next: Settings<S>): { reloadable: (keyof S & string)[]; fixed: string[] } => {
  const changed = Object.entries(spec).filter(([key]) => !same(current[key], next[key]));
  return {
    reloadable: changed.filter(([, one]) => one.reloadable).map(([key]) => key),
    fixed: changed.filter(([, one]) => !one.reloadable).map(([, one]) => one.env),
  };
};

/** Names the run-time settings in force: equal settings give equal versions, on every pod. */
export const settingsVersion = (spec: SettingsSpec, settings: Readonly<Record<string, unknown>>): string => {
  const reloadable = Object.entries(spec)
    .filter(([, one]) => one.reloadable)
    .map(([key, one]): [string, unknown] => [one.env, settings[key] ?? null])
    .sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(reloadable)).digest('hex').slice(0, 12);
};
