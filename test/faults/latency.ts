import type { Answer } from './load.ts';

export interface FaultWindow {
  /** Requests sent while the fault lasted. */
  sent: number;
  /** Of those, answered 202. */
  accepted: number;
  /** The 99th percentile of their answer times (a request with no answer counts its time to give up). */
  p99Ms: number;
}

/** The nearest-rank percentile: the smallest value at least `share` of the values do not exceed. */
export const percentile = (values: readonly number[], share: number): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? 0;
};

/** What the orders sent between the start and the end of a fault got. */
export const duringFault = (answers: readonly Answer[], from: number, to: number): FaultWindow => {
  const inside = answers.filter((answer) => answer.sentAt >= from && answer.sentAt <= to);
  return {
    sent: inside.length,
    accepted: inside.filter((answer) => answer.status === 202).length,
    p99Ms: percentile(inside.map((answer) => answer.ms), 0.99),
  };
};
