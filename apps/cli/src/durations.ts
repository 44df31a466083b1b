/** Durations as people type them on a command line: a whole number and a unit. */
const units = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export const durationFormat = 'a whole number and a unit, ms, s, m, h or d (500ms, 30s, 5m, 1h)';

/** Milliseconds, or undefined for anything else than `<whole number><unit>` (`500ms`, `30s`, `5m`, `1h`, `2d`). */
export const parseDuration = (text: string): number | undefined => {
  const match = /^(\d{1,9})(ms|s|m|h|d)$/.exec(text);
  if (!match) return undefined;
  const [, amount = '', unit = 'ms'] = match;
  return Number(amount) * units[unit as keyof typeof units];
};

const twoDigits = (value: number) => String(value).padStart(2, '0');

/** Whole seconds as `45s`, `3m05s`, `2h01m` or `3d04h`: short enough for a table column or a progress line. */
export const formatSeconds = (seconds: number): string => {
  const whole = Math.max(0, Math.floor(seconds));
  const minutes = Math.floor(whole / 60);
  const hours = Math.floor(minutes / 60);
  if (whole < 60) return `${whole}s`;
  if (minutes < 60) return `${minutes}m${twoDigits(whole % 60)}s`;
  return hours < 24 ? `${hours}h${twoDigits(minutes % 60)}m` : `${Math.floor(hours / 24)}d${twoDigits(hours % 24)}h`;
};
