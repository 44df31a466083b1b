import { randomBytes } from 'node:crypto';
import { startChild } from './child.ts';
import { formatCpuShare, measureCpu } from './cpu-share.ts';
import { compare, formatComparison } from './harness.ts';
import { createHttpLoad } from './http-load.ts';
import { seriesTotal } from './metrics-text.ts';

interface CommandServers {
  ordersApi: string;
  control: string;
}

export interface CommandBenchOptions {
  kafkaBrokers: readonly string[];
  registryUrl: string;
  mongoUri: string;
  full: boolean;
}

const body = (index: number) =>
  JSON.stringify({ customerId: `bench-${index % 997}`, currency: 'EUR', items: [{ sku: 'SKU-10001', quantity: 2, unitPrice: '19.99' }, { sku: 'SKU-20417', quantity: 1, unitPrice: '249.5' }] });

/**
 * POST /orders against raw kafkajs sends of the same records with the same producer settings and
 * the same number in flight: once with one record per send() call, as a request handler would send
 * it, and once with as many records per call as the API's producer grouped into one request (calls
 * made while a request is in flight share the next). Both run in a child process; the raw sends are
 * started through its control port, so the generator's CPU here is the HTTP client's alone.
 */
export const commandBench = async ({ kafkaBrokers, registryUrl, mongoUri, full }: CommandBenchOptions): Promise<string[]> => {
  const rounds = full ? 7 : 3;
  const opsPerRound = full ? 3_000 : 300;
  const concurrency = 16;
  const name = `bench-command-${randomBytes(4).toString('hex')}`;
  const servers = await startChild<CommandServers>('./command-servers.ts', {
    KAFKA_BROKERS: kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: registryUrl,
    MONGODB_URI: mongoUri,
    BENCH_TOPIC: name,
    BENCH_DATABASE: name.replace(/-/g, '_'),
  });
  const load = createHttpLoad(concurrency);
  const rawSends = (perSend: number) => async (n: number) => {
    const res = await load.send({ method: 'POST', url: new URL(`/raw-sends?count=${n}&concurrency=${concurrency}&perSend=${perSend}`, servers.info.control) });
    if (res.status !== 204) throw new Error(`raw sends failed: ${res.status} ${res.body.slice(0, 200)}`);
  };
  const ordersApi = { label: 'orders API', run: (n: number) => load.run(n, (i) => ({ method: 'POST', url: new URL('/orders', servers.info.ordersApi), body: body(i) }), 202) };
  // How many records the API's producer put in each produce request, from its producer_send_records histogram.
  const sendTotals = async () => {
    const { body: text } = await load.send({ method: 'GET', url: new URL('/metrics', servers.info.ordersApi) });
    return { records: seriesTotal(text, 'producer_send_records_sum'), sends: seriesTotal(text, 'producer_send_records_count') };
  };
  try {
    const { result, cpu } = await measureCpu(async () => {
      const before = await sendTotals();
      const oneEach = await compare('POST /orders vs raw kafkajs', { label: 'raw kafkajs send', run: rawSends(1) }, ordersApi, { rounds, opsPerRound });
      const after = await sendTotals();
      const perSend = Math.max(1, Math.round((after.records - before.records) / Math.max(1, after.sends - before.sends)));
      const grouped = await compare(`  same records per send (${perSend})`, { label: 'raw kafkajs send', run: rawSends(perSend) }, ordersApi, { rounds, opsPerRound });
      return { oneEach, grouped, perSend };
    });
    const { oneEach, grouped, perSend } = result;
    return [
      formatComparison(oneEach),
      `orders API vs raw kafkajs           ratio ${oneEach.ratio.toFixed(2)} (goal >= 0.50: ${oneEach.ratio >= 0.5 ? 'met' : 'NOT met'}; both idempotent, acks=all, ${concurrency} records in flight; raw: one record per send() call, as a request handler makes it)`,
      formatComparison(grouped),
      `orders API vs grouped raw sends     ratio ${grouped.ratio.toFixed(2)} (raw: ${perSend} records per send() call, the mean the API's producer put in one request in the rounds above; the gap is the HTTP layer, validation and encoding)`,
      formatCpuShare(cpu, 'load generator'),
    ];
  } finally {
    load.close();
    await servers.stop();
  }
};
