import { randomBytes } from 'node:crypto';
import { startChild } from './child.ts';
import { formatCpuShare, measureCpu } from './cpu-share.ts';
import { compare, formatComparison } from './harness.ts';
import { createHttpLoad } from './http-load.ts';

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
 * the same number in flight. Both run in a child process; the raw sends are started through its
 * control port, so the generator's CPU here is the HTTP client's alone.
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
  try {
    const { result, cpu } = await measureCpu(() =>
      compare(
        'POST /orders vs raw kafkajs',
        {
          label: 'raw kafkajs send',
          run: async (n) => {
            const res = await load.send({ method: 'POST', url: new URL(`/raw-sends?count=${n}&concurrency=${concurrency}`, servers.info.control) });
            if (res.status !== 204) throw new Error(`raw sends failed: ${res.status} ${res.body.slice(0, 200)}`);
          },
        },
        { label: 'orders API', run: (n) => load.run(n, (i) => ({ method: 'POST', url: new URL('/orders', servers.info.ordersApi), body: body(i) }), 202) },
        { rounds, opsPerRound },
      ),
    );
    return [
      formatComparison(result),
      `orders API vs raw kafkajs           ratio ${result.ratio.toFixed(2)} (goal >= 0.50: ${result.ratio >= 0.5 ? 'met' : 'NOT met'}; both idempotent, acks=all, one record per send, ${concurrency} in flight)`,
      formatCpuShare(cpu, 'load generator'),
    ];
  } finally {
    load.close();
    await servers.stop();
  }
};
