import { TributaryError } from '@tributary/errors';
import type { z } from 'zod';

/** One environment variable: its name, how to read it, and whether its value may be shown. */
export interface Setting<T extends z.ZodType = z.ZodType> {
  readonly env: string;
  readonly schema: T;
  readonly secret: boolean;
  readonly description: string;
}

export type SettingsSpec = Record<string, Setting>;
export type Settings<S extends SettingsSpec> = { readonly [K in keyof S]: z.output<S[K]['schema']> };

export const setting = <T extends z.ZodType>(
  env: string,
  schema: T,
  description: string,
  options: { secret?: boolean } = {},
): Setting<T> => ({ env, schema, description, secret: options.secret ?? false });

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads every setting of the spec from the environment. All problems are collected first, so a
 * misconfigured deployment learns every offending variable in one start-up, not one per restart.
 */
export const loadSettings = <S extends SettingsSpec>(spec: S, env: Environment = process.env): Settings<S> => {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, { env: name, schema, secret }] of Object.entries(spec)) {
    const raw = env[name];
    // An empty variable means "not set": `FOO= npm start` should fall back to the default.
    const input = raw === undefined || raw.trim() === '' ? undefined : raw.trim();
    const parsed = schema.safeParse(input);
    if (parsed.success) {
      values[key] = parsed.data;
    } else {
      const reason = parsed.error.issues.map((issue) => issue.message).join('; ');
      const shown = input === undefined ? 'not set' : secret ? 'value hidden' : `got "${input}"`;
      problems.push(`${name}: ${reason} (${shown})`);
    }
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
