/**
 * Side-by-side measurement: baseline and subject run in alternating rounds (A B A B ...) in one
 * process, and medians are compared, so a noisy neighbour slows both sides alike instead of
 * skewing one. Figures are operations per second; the ratio is subject / baseline.
 */
export interface Contender {
  label: string;
  /** Performs `count` operations. */
  run: (count: number) => Promise<void> | void;
}

export interface Comparison {
  name: string;
  baseline: { label: string; opsPerSecond: number };
  subject: { label: string; opsPerSecond: number };
  /** subject / baseline: above 1 the subject is faster. */
  ratio: number;
  rounds: number;
  opsPerRound: number;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

const opsPerSecond = async (contender: Contender, count: number): Promise<number> => {
  const started = process.hrtime.bigint();
  await contender.run(count);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
};

export const compare = async (
  name: string,
  baseline: Contender,
  subject: Contender,
  { rounds, opsPerRound, warmupOps = Math.ceil(opsPerRound / 4) }: { rounds: number; opsPerRound: number; warmupOps?: number },
): Promise<Comparison> => {
  // Warm both up first, so the JIT and caches are in the same state for every measured round.
  await baseline.run(warmupOps);
  await subject.run(warmupOps);
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    a.push(await opsPerSecond(baseline, opsPerRound));
    b.push(await opsPerSecond(subject, opsPerRound));
  }
  const baselineMedian = median(a);
  const subjectMedian = median(b);
  return {
    name,
    baseline: { label: baseline.label, opsPerSecond: baselineMedian },
    subject: { label: subject.label, opsPerSecond: subjectMedian },
    ratio: subjectMedian / baselineMedian,
    rounds,
    opsPerRound,
  };
};

const format = (value: number): string => Math.round(value).toLocaleString('en-US');

export const formatComparison = (c: Comparison): string =>
  `${c.name.padEnd(34)} ${c.subject.label}: ${format(c.subject.opsPerSecond).padStart(11)} ops/s   ${c.baseline.label}: ${format(c.baseline.opsPerSecond).padStart(11)} ops/s   ratio ${c.ratio.toFixed(2)}  (median of ${c.rounds} alternating rounds x ${format(c.opsPerRound)} ops)`;
