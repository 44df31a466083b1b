import { usageError } from '../usage-error.ts';

const unitMs = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Reads a span of time such as `30m`, `6h` or `2d` (seconds, minutes, hours, days) as milliseconds. */
export const parseLookback = (raw: string): number => {
  const match = /^(\d+)([smhd])$/.exec(raw.trim());
  const amount = Number(match?.[1]);
  if (!match || amount <= 0) {
    throw usageError(`--lookback ${raw} is not a span of time; give a whole number and a unit: 30m, 6h or 2d`);
  }
  return amount * unitMs[match[2] as keyof typeof unitMs];
};
