import { median } from './harness.ts';
import type { RunResult } from './projection-contenders.ts';

export interface ContenderRuns {
  projector: RunResult[];
  decodeOnly: RunResult[];
  upsertCeiling: RunResult[];
  insertCeiling: RunResult[];
  naive: RunResult[];
}

export interface ProjectionReport {
  events: number;
  partitions: number;
  rounds: number;
  /** The projector's average batch in the warm-up, which the ceilings copy. */
  batchSize: number;
  concurrency: number;
  runs: ContenderRuns;
}

/** Issue 4's goals for the projector. */
export const targets = { ceiling: 0.8, naive: 10 } as const;

const count = (value: number, digits = 0): string => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const verdict = (ratio: number, target: number): string =>
  ratio >= target ? `target >= ${target}: met` : `target >= ${target}: missed by ${count((1 - ratio / target) * 100)}% (${ratio.toFixed(2)} of ${target})`;

const phaseLine = (runs: readonly RunResult[], eventsPerSecond: (run: RunResult) => number): string => {
  // The run closest to the median speaks for all: summing phases across runs would mix them.
  const middle = median(runs.map(eventsPerSecond));
  const run = [...runs].sort((a, b) => Math.abs(eventsPerSecond(a) - middle) - Math.abs(eventsPerSecond(b) - middle))[0];
  if (!run) return '';
  const wall = run.seconds * 1000;
  return Object.entries(run.phases)
    .map(([phase, ms]) => `${phase} ${count(ms)} ms`)
    .concat(`wall ${count(wall)} ms`)
    .join(', ');
};

export const formatProjectionReport = ({ events, partitions, rounds, batchSize, concurrency, runs }: ProjectionReport): string[] => {
  const rate = (run: RunResult) => run.events / run.seconds;
  const speed = (list: readonly RunResult[]) => median(list.map(rate));
  const projector = speed(runs.projector);
  const decodeOnly = speed(runs.decodeOnly);
  const upsertCeiling = speed(runs.upsertCeiling);
  const insertCeiling = speed(runs.insertCeiling);
  const naive = speed(runs.naive);
  const projectorBatches = runs.projector.flatMap((run) => run.batches);
  const kafkaBatches = runs.decodeOnly.flatMap((run) => run.batches);
  const average = (list: readonly number[]) => list.reduce((a, b) => a + b, 0) / Math.max(1, list.length);
  const boxed = (list: readonly RunResult[]) => {
    const cut = list.filter((run) => run.timeBoxed);
    return cut.length === 0 ? '' : `   time-boxed at ${count(Math.max(...cut.map((r) => r.seconds)), 1)} s: ${cut.map((r) => count(r.events)).join(', ')} of ${count(events)} events`;
  };
  const row = (label: string, value: number, list: readonly RunResult[]) => `${label.padEnd(78)} ${count(value).padStart(9)} events/s${boxed(list)}`;
  const handleBatchShare = median(runs.projector.map((run) => (run.phases['handleBatch'] ?? 0) / (run.seconds * 1000)));
  return [
    `${count(events)} OrderPlaced events on ${partitions} partitions, one document each; median of ${rounds} alternating rounds after a warm-up; Kafka runs timed from joining the group until the commits reach the end`,
    `projector batches: avg ${count(average(projectorBatches), 1)} events (min ${Math.min(...projectorBatches)}, max ${Math.max(...projectorBatches)}, ${count(projectorBatches.length / Math.max(1, runs.projector.length), 1)} per run), up to ${concurrency} in flight; kafkajs eachBatch batches: avg ${count(average(kafkaBatches), 1)}`,
    row('projector: createConsumerRunner + openReadModel().apply(orderViewProjection)', projector, runs.projector),
    row('(a) kafkajs eachBatch, decode only', decodeOnly, runs.decodeOnly),
    row(`(b) store ceiling: unordered bulkWrite of replaceOne upserts, batches of ${batchSize}, ${concurrency} in flight`, upsertCeiling, runs.upsertCeiling),
    row(`(b') same documents and batches as unordered insertOne bulk writes`, insertCeiling, runs.insertCeiling),
    row('(c) naive: kafkajs eachMessage, decode, await findOne + replaceOne upsert', naive, runs.naive),
    `projector / decode-only          ${(projector / decodeOnly).toFixed(2)}`,
    `projector / ceiling (upserts)    ${(projector / upsertCeiling).toFixed(2)}   ${verdict(projector / upsertCeiling, targets.ceiling)}`,
    `projector / ceiling (inserts)    ${(projector / insertCeiling).toFixed(2)}   ${verdict(projector / insertCeiling, targets.ceiling)}`,
    `projector / naive                ${(projector / naive).toFixed(2)}   ${verdict(projector / naive, targets.naive)}`,
    `projector time (median run; phases summed over batches in flight): ${phaseLine(runs.projector, rate)}; handleBatch ${count(handleBatchShare * 100)}% of wall, the rest is fetch, decode and commit`,
    `naive time (median run): ${phaseLine(runs.naive, rate)}`,
  ];
};
