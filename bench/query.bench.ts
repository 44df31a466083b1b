import { randomBytes } from 'node:crypto';
import { startChild } from './child.ts';
import { formatCpuShare, measureCpu } from './cpu-share.ts';
import { compare, formatComparison, type Contender } from './harness.ts';
import { createHttpLoad } from './http-load.ts';

interface QueryServers {
  ids: string[];
  queryApi: string;
  constant: string;
  uninstrumented: string;
  bare: string;
}

/**
 * GET /orders/:id on the query API against the same app answering a constant, our read model on
 * bare express (the query API minus its instrumentation), and bare express with the driver's
 * findOne. The servers run in a child process; this process only generates load.
 */
export const queryBench = async ({ mongoUri, full }: { mongoUri: string; full: boolean }): Promise<string[]> => {
  // Every contender's rate moves by about 10% from round to round with the store; many long rounds
  // keep the medians, and the instrumentation cost of a few percent, above that noise.
  const rounds = full ? 9 : 3;
  const opsPerRound = full ? 2_000 : 200;
  // Two requests in flight keep the server busy between answers without saturating two cores: at 16,
  // the query API, the store and the generator took every core and no run was valid (under 15% idle).
  const concurrency = 2;
  const servers = await startChild<QueryServers>('./query-servers.ts', {
    MONGODB_URI: mongoUri,
    BENCH_DATABASE: `bench_query_${randomBytes(4).toString('hex')}`,
    BENCH_VIEWS: full ? '2000' : '300',
  });
  const load = createHttpLoad(concurrency);
  try {
    const { ids } = servers.info;
    const getOrder = (label: string, base: string): Contender => ({
      label,
      run: (n) => load.run(n, (i) => ({ method: 'GET', url: new URL(`/orders/${ids[i % ids.length] ?? ''}`, base) }), 200),
    });
    const queryApi = getOrder('query API', servers.info.queryApi);
    const { result, cpu } = await measureCpu(async () => ({
      bare: await compare('GET /orders/:id vs bare', getOrder('express + findOne', servers.info.bare), queryApi, { rounds, opsPerRound }),
      uninstrumented: await compare('GET /orders/:id vs uninstrumented', getOrder('read model, bare express', servers.info.uninstrumented), queryApi, { rounds, opsPerRound }),
      constant: await compare('GET /orders/:id vs constant', getOrder('same app, constant', servers.info.constant), queryApi, { rounds, opsPerRound }),
    }));
    const instrumentationCost = 1 - result.uninstrumented.ratio;
    return [
      formatComparison(result.bare),
      formatComparison(result.uninstrumented),
      formatComparison(result.constant),
      `query API vs bare express + driver  ratio ${result.bare.ratio.toFixed(2)} (goal >= 0.60: ${result.bare.ratio >= 0.6 ? 'met' : 'NOT met'})`,
      `instrumentation cost                ${(instrumentationCost * 100).toFixed(1)}% (1 - instrumented / uninstrumented; goal <= 10%: ${instrumentationCost <= 0.1 ? 'met' : 'NOT met'})`,
      `load                                ${concurrency} requests in flight, ${ids.length.toLocaleString('en-US')} stored views`,
      formatCpuShare(cpu, 'load generator'),
    ];
  } finally {
    load.close();
    await servers.stop();
  }
};
