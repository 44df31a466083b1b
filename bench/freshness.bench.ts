import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { orderViewsCollection } from '@tributary/order-views';
import { MongoClient } from 'mongodb';
import { startChild } from './child.ts';
import { cpuProblems, formatCpuShare, measureCpu, type CpuShare } from './cpu-share.ts';
import { createHttpLoad } from './http-load.ts';
import { median } from './harness.ts';
import { percentile } from './latency.ts';
import { seriesTotal } from './metrics-text.ts';

interface FreshnessServers {
  ordersApi: string;
  projector: string;
  control: string;
  database: string;
}

export interface FreshnessBenchOptions {
  kafkaBrokers: readonly string[];
  registryUrl: string;
  mongoUri: string;
  full: boolean;
}

const body = (index: number) =>
  JSON.stringify({ customerId: `bench-${index % 997}`, currency: 'EUR', items: [{ sku: 'SKU-10001', quantity: 2, unitPrice: '19.99' }, { sku: 'SKU-20417', quantity: 1, unitPrice: '249.5' }] });

/** A run whose last sampled order took longer than this after the load stopped had a growing backlog: the rate was more than the projector sustains. */
const backlogLimitMs = 1_000;

/** One load run at a rate: its samples, the projector's batches, the CPU it ran with, and how long the backlog took to clear. */
interface FreshnessRun {
  rate: number;
  p50: number;
  p99: number;
  samples: number;
  failures: string[];
  batches: { count: number; meanRecords: number; meanMs: number };
  drainMs: number;
  cpu: CpuShare;
}

/** Why a run does not count (none when it does): a busy machine, or a projector that fell behind the rate. */
const problemsOf = (run: FreshnessRun): string[] => [
  ...cpuProblems(run.cpu, 'load generator'),
  ...(run.failures.length > 0 ? [`${run.failures.length} orders failed, e.g. ${run.failures[0] ?? ''}`] : []),
  ...(run.drainMs > backlogLimitMs ? [`the projector fell behind: the last sampled orders became visible ${(run.drainMs / 1000).toFixed(1)} s after the load stopped (limit ${backlogLimitMs / 1000} s)`] : []),
];

const formatRun = (run: FreshnessRun, pollMs: number): string[] => [
  `  ${run.rate} orders/s: 202 -> visible p50 ${run.p50.toFixed(1)} ms   p99 ${run.p99.toFixed(1)} ms   (${run.samples} sampled orders, polled together every ${pollMs} ms; last visible ${run.drainMs.toFixed(0)} ms after the load stopped${run.drainMs > backlogLimitMs ? ': a backlog, NOT VALID' : ''})${run.failures.length > 0 ? `   ${run.failures.length} failures, e.g. ${run.failures[0] ?? ''}` : ''}`,
  `    live projector batches: ${run.batches.count}, mean ${run.batches.meanRecords.toFixed(1)} records, mean ${run.batches.meanMs.toFixed(1)} ms to handle and commit; ${formatCpuShare(run.cpu, 'load generator')}`,
];

/**
 * Freshness: POST /orders at a constant arrival rate; for a sample of the orders, the time from the
 * 202 to the view being readable in the store (one query for all the sampled orders not seen yet,
 * every `pollMs`), against Kafka's own produce-to-consume latency at the same rate. The rate is the
 * highest the machine measures validly and the projector keeps up with: half the projector's
 * capacity alone first, 30% less each time a run is not valid or ends with a backlog. At that rate
 * the full run measures three times and quotes the medians.
 */
export const freshnessBench = async ({ kafkaBrokers, registryUrl, mongoUri, full }: FreshnessBenchOptions, progress: (line: string) => void = () => undefined): Promise<string[]> => {
  const seconds = full ? 30 : 10;
  const capacityEvents = full ? 10_000 : 1_500;
  const tracked = full ? 1_000 : 150;
  const repeats = full ? 3 : 1;
  // One query per round for every order still waiting: often enough to resolve well under the goal, rarely enough not to load the store much.
  const pollMs = 10;
  const maxAttempts = full ? 6 : 4;
  const servers = await startChild<FreshnessServers>('./freshness-servers.ts', {
    KAFKA_BROKERS: kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: registryUrl,
    MONGODB_URI: mongoUri,
    BENCH_NAME: `bench-freshness-${randomBytes(4).toString('hex')}`,
  });
  const load = createHttpLoad(256);
  const mongo = new MongoClient(mongoUri, { appName: 'tributary-bench' });
  await mongo.connect();
  try {
    const control = async <T>(path: string): Promise<T> => {
      const res = await load.send({ method: 'POST', url: new URL(path, servers.info.control) });
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${res.body.slice(0, 200)}`);
      return JSON.parse(res.body) as T;
    };
    progress(`freshness: measuring projection capacity on ${capacityEvents} events`);
    const { eventsPerSecond } = await control<{ eventsPerSecond: number }>(`/capacity?events=${capacityEvents}`);
    /** One load run at `rate`: its figures, and the CPU it ran with. */
    const measureAt = async (rate: number): Promise<FreshnessRun> => {
      const total = rate * seconds;
      const every = Math.max(1, Math.floor(total / tracked));
      const views = mongo.db(servers.info.database).collection<{ _id: string }>(orderViewsCollection);

      // The live projector's batches: how many records it took per batch and how long each took.
      const batchTotals = async () => {
        const { body: text } = await load.send({ method: 'GET', url: new URL('/metrics', servers.info.projector) });
        return { batches: seriesTotal(text, 'consumer_batch_size_count'), records: seriesTotal(text, 'consumer_batch_size_sum'), seconds: seriesTotal(text, 'consumer_batch_duration_seconds_sum') };
      };
      const batchesBefore = await batchTotals();

      progress(`freshness: ${rate} orders/s for ${seconds} s`);
      const { result: freshness, cpu } = await measureCpu(async () => {
        const latencies: number[] = [];
        const failures: string[] = [];
        // Sampled orders not visible yet, by id, with the time of their 202.
        const waiting = new Map<string, number>();
        const place = async (index: number) => {
          // A dropped connection is a failed order of the run, reported with the others, not the end of the benchmark.
          const res = await load.send({ method: 'POST', url: new URL('/orders', servers.info.ordersApi), body: body(index) }).catch((error: unknown) => ({ status: 0, body: (error as Error).message }));
          if (res.status === 0) return void failures.push(`POST /orders failed: ${res.body}`);
          const acceptedAt = performance.now();
          if (res.status !== 202) return void failures.push(`POST /orders answered ${res.status}`);
          if (index % every === 0) waiting.set((JSON.parse(res.body) as { orderId: string }).orderId, acceptedAt);
        };
        // One query for every waiting order each round, so the store's polling load stays the same however far behind the projector is.
        let placing = true;
        const watch = async () => {
          while (placing || waiting.size > 0) {
            if (waiting.size > 0) {
              const found = await views.find({ _id: { $in: [...waiting.keys()] } }, { projection: { _id: 1 } }).toArray();
              const seenAt = performance.now();
              for (const { _id } of found) {
                latencies.push(seenAt - (waiting.get(_id) ?? seenAt));
                waiting.delete(_id);
              }
              for (const [orderId, acceptedAt] of waiting) {
                if (seenAt - acceptedAt < 30_000) continue;
                failures.push(`order ${orderId} not visible after 30 s`);
                waiting.delete(orderId);
              }
            }
            await sleep(pollMs);
          }
        };
        const watching = watch();
        // Open loop: requests start on schedule whether or not earlier ones have answered.
        const inFlight: Promise<void>[] = [];
        const started = performance.now();
        for (let sent = 0; sent < total; ) {
          const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
          for (; sent < due; sent += 1) inFlight.push(place(sent));
          await sleep(2);
        }
        await Promise.all(inFlight);
        placing = false;
        const placedAt = performance.now();
        await watching;
        return { latencies, failures, drainMs: performance.now() - placedAt };
      });
      const batchesAfter = await batchTotals();
      const batches = Math.max(1, batchesAfter.batches - batchesBefore.batches);
      return {
        rate,
        p50: percentile(freshness.latencies, 0.5),
        p99: percentile(freshness.latencies, 0.99),
        samples: freshness.latencies.length,
        failures: freshness.failures,
        batches: { count: batches, meanRecords: (batchesAfter.records - batchesBefore.records) / batches, meanMs: ((batchesAfter.seconds - batchesBefore.seconds) / batches) * 1000 },
        drainMs: freshness.drainMs,
        cpu,
      };
    };

    const lines = [`projection capacity                 ${Math.round(eventsPerSecond).toLocaleString('en-US')} events/s (order projector alone, ${capacityEvents.toLocaleString('en-US')} events)`];
    let rate = Math.max(1, Math.round(eventsPerSecond / 2));
    let found = await measureAt(rate);
    for (let attempt = 1; problemsOf(found).length > 0 && attempt < maxAttempts && rate > 1; attempt += 1) {
      lines.push(`not valid at ${rate} orders/s: ${problemsOf(found).join('; ')}`);
      rate = Math.max(1, Math.round(rate * 0.7));
      found = await measureAt(rate);
    }
    const runs = [found];
    while (runs.length < repeats) {
      progress(`freshness: run ${runs.length + 1} of ${repeats} at ${rate} orders/s`);
      runs.push(await measureAt(rate));
    }
    progress(`freshness: Kafka alone at ${rate} records/s`);
    const kafka = await control<{ count: number; p50: number; p99: number }>(`/kafka-latency?rate=${rate}&seconds=${seconds}`);
    const p50 = median(runs.map((run) => run.p50));
    const p99 = median(runs.map((run) => run.p99));
    const invalid = runs.filter((run) => problemsOf(run).length > 0).length;
    return [
      ...lines,
      `load                                ${rate} orders/s for ${seconds} s, ${runs.length} run(s)${invalid > 0 ? ` -- ${invalid} NOT VALID: ${problemsOf(runs.find((run) => problemsOf(run).length > 0) ?? found).join('; ')}` : ', every run valid'}`,
      ...runs.flatMap((run) => formatRun(run, pollMs)),
      `202 -> visible in the read model    p50 ${p50.toFixed(1)} ms   p99 ${p99.toFixed(1)} ms   (median of the runs)`,
      `Kafka produce -> consume            p50 ${kafka.p50.toFixed(1)} ms   p99 ${kafka.p99.toFixed(1)} ms   (${kafka.count} records, same broker and rate)`,
      `freshness p99 / Kafka p99           ratio ${(p99 / kafka.p99).toFixed(2)}   goal p99 <= 250 ms: ${p99 <= 250 ? 'met' : 'NOT met'}, <= 5x Kafka's: ${p99 <= 5 * kafka.p99 ? 'met' : 'NOT met'}`,
    ];
  } finally {
    load.close();
    await mongo.close();
    await servers.stop();
  }
};
