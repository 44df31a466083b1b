import { usageError } from '../usage-error.ts';

export type TailStart = { kind: 'earliest' } | { kind: 'latest' } | { kind: 'timestamp'; at: Date };

/** `--from earliest | latest | <ISO timestamp>`. */
export const parseTailStart = (value: string | undefined): TailStart => {
  if (value === undefined || value === 'earliest') return { kind: 'earliest' };
  if (value === 'latest') return { kind: 'latest' };
  // Only full ISO dates: Date.parse also takes "1" or "March", which would surprise.
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) && !Number.isNaN(Date.parse(value))) {
    return { kind: 'timestamp', at: new Date(value) };
  }
  throw usageError(`--from takes earliest, latest or an ISO timestamp such as 2026-01-31T12:00:00Z, got "${value}"`);
};

export const parseLimit = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1) throw usageError(`--limit takes a positive whole number, got "${value}"`);
  return limit;
};
