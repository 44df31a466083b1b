import { TributaryError } from '@tributary/errors';
import type { z } from 'zod';

/** One environment variable: its name, how to read it, whether its value may be shown, and whether it may change while a service runs. */
export interface Setting<T extends z.ZodType = z.ZodType> {
  readonly env: string;
  readonly schema: T;
  readonly secret: boolean;
  readonly description: string;
  /** Taken from the settings file (TRIBUTARY_CONFIG_FILE) while the service runs; the others need a restart. */
  readonly reloadable: boolean;
}

export type SettingsSpec = Record<string, Setting>;
export type Settings<S extends SettingsSpec> = { readonly [K in keyof S]: z.output<S[K]['schema']> };

export const setting = <T extends z.ZodType>(
  env: string,
  schema: T,
  description: string,
  options: { secret?: boolean; reloadable?: boolean } = {},
): Setting<T> => ({ env, schema, description, secret: options.secret ?? false, reloadable: options.reloadable ?? false });

type Environment = Readonly<Record<string, string | undefined>>;

/** One setting read from its text; a problem names the variable and, unless it is secret, the value. */
export const readSetting = ({ env: name, schema, secret }: Setting, raw: string | undefined): { ok: true; value: unknown } | { ok: false; problem: string } => {
  // An empty variable means "not set": `FOO= npm start` should fall back to the default.
  const input = raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const reason = parsed.error.issues.map((issue) => issue.message).join('; ');
  const shown = input === undefined ? 'not set' : secret ? 'value hidden' : `got "${input}"`;
  return { ok: false, problem: `${name}: ${reason} (${shown})` };
};

/**
 * Reads every setting of the spec from the environment. All problems are collected first, so a
 * misconfigured deployment learns every offending variable in one start-up, not one per restart.
 */
export const loadSettings = <S extends SettingsSpec>(spec: S, env: Environment = process.env): Settings<S> => {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, one] of Object.entries(spec)) {
    const read = readSetting(one, env[one.env]);
    if (read.ok) values[key] = read.value;
    else problems.push(read.problem);
  }
  if (problems.length > 0) {
    throw new TributaryError(
      'CONFIG_INVALID',
      `Invalid configuration, fix these environment variables: ${problems.join(' | ')}`,
      { details: { problems } },
    );
  }
  return values as Settings<S>;
};
