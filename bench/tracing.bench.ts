import { randomBytes } from 'node:crypto';
import { startTracing, type Tracing } from '@tributary/tracing';
import { startChild, type ChildServers } from './child.ts';
import { formatCpuShare, measureCpu } from './cpu-share.ts';
import { formatComparison, median, type Comparison } from './harness.ts';
import { createHttpLoad } from './http-load.ts';
import { runProjector } from './projection-contenders.ts';
import { inFreshDatabase, withProducedTopic } from './projection.bench.ts';

export interface TracingBenchOptions {
  kafkaBrokers: readonly string[];
  registryUrl: string;
  mongoUri: string;
  /** Jaeger's OTLP/HTTP intake: traced runs export there, as a deployment would. */
  otlpEndpoint: string;
  full: boolean;
}

/** The three ways a service can run: no SDK, every trace recorded, one trace in ten. */
const settingsOf = (otlpEndpoint: string) =>
  ({
    off: { OTEL_SDK_DISABLED: 'true' },
    all: { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint, OTEL_TRACES_SAMPLER: 'always_on' },
    tenth: { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
  }) as const;

type Mode = keyof ReturnType<typeof settingsOf>;

const goals: Record<Exclude<Mode, 'off'>, number> = { all: 0.9, tenth: 0.97 };

const verdict = (mode: Exclude<Mode, 'off'>, ratio: number): string => `(goal >= ${goals[mode].toFixed(2)}: ${ratio >= goals[mode] ? 'met' : 'NOT met'})`;

const modes: readonly Mode[] = ['off', 'all', 'tenth'];

/** Warms each mode up once, then measures `rounds` rounds of every mode in turn: rates per mode. */
const alternate = async (all: readonly Mode[], rounds: number, measure: (mode: Mode) => Promise<number>, warmUp: (mode: Mode) => Promise<void>): Promise<Record<Mode, number[]>> => {
  for (const mode of all) await warmUp(mode);
  const rates: Record<Mode, number[]> = { off: [], all: [], tenth: [] };
  // Each round starts one mode later, so no mode always runs just after the one exporting most
  // (whose spans Jaeger may still be taking in) or always first.
  for (let round = 0; round < rounds; round += 1) {
    for (let step = 0; step < all.length; step += 1) {
      const mode = all[(round + step) % all.length] as Mode;
      rates[mode].push(await measure(mode));
    }
  }
  return rates;
};

/** A traced mode's median rate against the untraced one's. */
const against = (rates: Record<Mode, number[]>, mode: Exclude<Mode, 'off'>, name: string, opsPerRound: number): Comparison => ({
  name,
  baseline: { label: 'tracing off', opsPerSecond: median(rates.off) },
  subject: { label: `tracing ${mode}`, opsPerSecond: median(rates[mode]) },
  ratio: median(rates[mode]) / median(rates.off),
  rounds: rates[mode].length,
  opsPerRound,
});

const orderBody = (index: number) => JSON.stringify({ customerId: `bench-${index % 997}`, currency: 'EUR', items: [{ sku: 'SKU-10001', quantity: 2, unitPrice: '19.99' }] });

/**
 * The command path: POST /orders on three orders-api processes alike but for their tracing (off,
 * all sampled, 10% sampled), each traced one exporting to the real Jaeger, in alternating rounds.
 */
const commandPath = async ({ kafkaBrokers, registryUrl, mongoUri, otlpEndpoint, full }: TracingBenchOptions): Promise<Comparison[]> => {
  const rounds = full ? 9 : 5;
  const opsPerRound = full ? 3_000 : 1_000;
  // A fresh orders-api keeps getting faster for its first ten thousand or so requests, as the JIT
  // compiles its hot paths (child CPU per request falls by about a third): rounds measured before
  // that compare warm-up speeds, not what tracing costs a running service.
  const warmUpOps = full ? 12_000 : 6_000;
  const concurrency = 16;
  const settings = settingsOf(otlpEndpoint);
  const children: Partial<Record<Mode, ChildServers<{ ordersApi: string }>>> = {};
  const load = createHttpLoad(concurrency);
  try {
    for (const mode of modes) {
      const name = `bench-tracing-${mode}-${randomBytes(4).toString('hex')}`;
      children[mode] = await startChild<{ ordersApi: string }>('./command-servers.ts', {
        KAFKA_BROKERS: kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: registryUrl,
        MONGODB_URI: mongoUri,
        BENCH_TOPIC: name,
        BENCH_DATABASE: name.replace(/-/g, '_'),
        OTEL_SERVICE_NAME: `bench-orders-api-${mode}`,
        ...settings[mode],
      });
    }
    const post = (mode: Mode, count: number) => {
      const url = new URL('/orders', children[mode]?.info.ordersApi);
      return load.run(count, (i) => ({ method: 'POST', url, body: orderBody(i) }), 202);
    };
    // One loop over the three, so each round measures all of them under the same neighbours.
    const rates = await alternate(modes, rounds, async (mode) => {
      const started = performance.now();
      await post(mode, opsPerRound);
      return opsPerRound / ((performance.now() - started) / 1000);
    }, (mode) => post(mode, warmUpOps));
    return [against(rates, 'all', 'POST /orders, every trace', opsPerRound), against(rates, 'tenth', 'POST /orders, 10% of traces', opsPerRound)];
  } finally {
    load.close();
    await Promise.all(Object.values(children).map((child) => child.stop()));
  }
};

/** A tracer of this process's own for a projector run: none for `off`. */
const tracingFor = (mode: Mode, otlpEndpoint: string): Tracing | undefined =>
  mode === 'off'
    ? undefined
    : startTracing(`bench-projector-${mode}`, {
        otelSdkDisabled: false,
        otelExporterOtlpEndpoint: otlpEndpoint,
        otelTracesSampler: mode === 'all' ? 'always_on' : 'traceidratio',
        otelTracesSamplerArg: mode === 'all' ? 1 : 0.1,
      });

/**
 * The projection path: our runtime and read model over the same topic, untraced and traced (a
 * process span per record, a write span per record, exported to Jaeger), in alternating rounds;
 * each run's rate is taken from joining the group to its commits reaching the end.
 */
const projectionPath = async ({ kafkaBrokers, registryUrl, mongoUri, otlpEndpoint, full }: TracingBenchOptions): Promise<Comparison[]> => {
  const events = full ? 20_000 : 2_000;
  const rounds = full ? 5 : 3;
  const rates = await withProducedTopic({ kafkaBrokers, registryUrl, mongoUri }, 'bench-tracing', events, (topic, _documents, client) => {
    const runOnce = async (mode: Mode): Promise<number> => {
      const tracing = tracingFor(mode, otlpEndpoint);
      try {
        const run = await inFreshDatabase(client, (db) => runProjector(topic, db, 300_000, tracing?.tracer));
        return run.events / run.seconds;
      } finally {
        // Exports what is still buffered, so its cost falls in this run's round, not the next one's.
        await tracing?.shutdown();
      }
    };
    return alternate(modes, rounds, runOnce, async () => {
      await runOnce('off');
    });
  });
  return [against(rates, 'all', 'projection, every trace', events), against(rates, 'tenth', 'projection, 10% of traces', events)];
};

const report = (comparison: Comparison): string[] => {
  const mode = comparison.subject.label === 'tracing all' ? 'all' : 'tenth';
  return [formatComparison(comparison), `${comparison.name.padEnd(34)} ratio ${comparison.ratio.toFixed(2)} ${verdict(mode, comparison.ratio)}`];
};

/** What tracing costs: the command and projection paths with tracing off, on for every trace, and on for 10%. */
export const tracingBench = async (options: TracingBenchOptions): Promise<string[]> => {
  const command = await measureCpu(() => commandPath(options));
  const projection = await measureCpu(() => projectionPath(options));
  return [
    ...command.result.flatMap(report),
    formatCpuShare(command.cpu, 'load generator'),
    ...projection.result.flatMap(report),
    formatCpuShare(projection.cpu, 'subject (in-process)'),
  ];
};
