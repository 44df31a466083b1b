import { seriesTotal } from './metrics-text.ts';

/**
 * Where a hop's time goes, from the consumer runtime's own histograms on the service that makes
 * the hop: mean milliseconds per batch of each consumer stage and of each step of the
 * transaction that publishes its answer (inside `handle`), between two reads of /metrics.
 */
export interface HopService {
  hop: string;
  /** Its /metrics. */
  url: string;
  /** The topic whose records start the hop, and the producer name (the service's) of its transactions. */
  topic: string;
  producer?: string;
}

const consumerStages = ['fetch_wait', 'decode', 'handle', 'commit'] as const;
const transactionSteps = ['begin', 'send', 'offsets', 'commit'] as const;

export type MetricsSnapshot = Map<string, number>;

export const snapshot = async ({ url, topic, producer }: HopService): Promise<MetricsSnapshot> => {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const values: MetricsSnapshot = new Map();
  for (const part of ['sum', 'count'] as const) {
    for (const stage of consumerStages) values.set(`${stage}_${part}`, seriesTotal(text, `consumer_stage_duration_seconds_${part}`, { topic, stage }));
    if (producer) for (const step of transactionSteps) values.set(`tx_${step}_${part}`, seriesTotal(text, `producer_transaction_step_seconds_${part}`, { producer, step }));
    values.set(`apply_${part}`, seriesTotal(text, `projector_apply_duration_seconds_${part}`));
  }
  return values;
};

const meanMs = (before: MetricsSnapshot, after: MetricsSnapshot, key: string): number | undefined => {
  const count = (after.get(`${key}_count`) ?? 0) - (before.get(`${key}_count`) ?? 0);
  if (count <= 0) return undefined;
  return (((after.get(`${key}_sum`) ?? 0) - (before.get(`${key}_sum`) ?? 0)) / count) * 1000;
};

const ms = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(1));

/** One line per hop: its consumer's stages, and inside `handle` the transaction's steps (or the projector's store write). */
export const formatBreakdown = (service: HopService, before: MetricsSnapshot, after: MetricsSnapshot): string => {
  const stages = consumerStages.map((stage) => `${stage} ${ms(meanMs(before, after, stage))}`).join('  ');
  const inside = service.producer
    ? `transaction ${transactionSteps.map((step) => `${step} ${ms(meanMs(before, after, `tx_${step}`))}`).join(' ')}`
    : `store write ${ms(meanMs(before, after, 'apply'))} per read model`;
  const count = (after.get('decode_count') ?? 0) - (before.get('decode_count') ?? 0);
  return `${service.hop.padEnd(26)} ${stages}   handle holds: ${inside}   (mean ms over ${count} batches)`;
};
