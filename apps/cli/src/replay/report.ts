import type { Io } from '../command.ts';
import { countBetween, type Offsets } from './offsets.ts';
import { formatProgressBar, progressFigures } from './progress.ts';
import type { Tail } from './tail.ts';

/**
 * Reports a tail's progress towards a target about once a second: a bar on stderr, or with --json
 * one JSON object per line on stdout.
 */
export const progressReporter = (io: Io, json: boolean, tail: Tail, from: Offsets, everyMs = 1_000) => {
  const started = Date.now();
  let last = 0;
  return (phase: string, target: Offsets, force = false) => {
    const now = Date.now();
    if (!force && now - last < everyMs) return;
    last = now;
    const position = tail.position();
    const total = Number(countBetween(from, target));
    const done = Math.min(total, Number(countBetween(from, new Map([...target].map(([key, end]) => [key, (position.get(key) ?? 0n) < end ? (position.get(key) ?? 0n) : end])))));
    const figures = progressFigures({ phase, done, total, applied: tail.counts().applied, elapsedMs: now - started });
    if (json) io.out(JSON.stringify({ type: 'progress', ...figures }));
    else io.err(formatProgressBar(figures));
  };
};
