import { formatSeconds } from '../durations.ts';

/** What a replay reports while it folds: records behind it, records in all, and the time spent. */
export interface ProgressSample {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  readonly applied: number;
  readonly elapsedMs: number;
}

export interface ProgressFigures {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  readonly applied: number;
  readonly eventsPerSecond: number;
  readonly percent: number;
  /** Seconds left at the rate so far; null before there is a rate. */
  readonly etaSeconds: number | null;
}

export const progressFigures = ({ phase, done, total, applied, elapsedMs }: ProgressSample): ProgressFigures => {
  const eventsPerSecond = elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0;
  const remaining = Math.max(0, total - done);
  return {
    phase,
    done,
    total,
    applied,
    eventsPerSecond,
    percent: total > 0 ? Math.min(100, Math.floor((done * 100) / total)) : 100,
    etaSeconds: eventsPerSecond > 0 ? Math.ceil(remaining / eventsPerSecond) : remaining === 0 ? 0 : null,
  };
};

const duration = (seconds: number | null): string => (seconds === null ? '--' : formatSeconds(seconds));

/** One line of the progress bar: `building [#####-----]  50% 5,000/10,000 events  2,500 ev/s  ETA 2s`. */
export const formatProgressBar = (figures: ProgressFigures, width = 24): string => {
  const filled = Math.round((figures.percent * width) / 100);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
  const n = (value: number) => value.toLocaleString('en-US');
  return `${figures.phase.padEnd(9)} [${bar}] ${String(figures.percent).padStart(3)}% ${n(figures.done)}/${n(figures.total)} events  ${n(figures.eventsPerSecond)} ev/s  ETA ${duration(figures.etaSeconds)}`;
};
