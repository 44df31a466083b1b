import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { finalOrderStatuses, type OrderStatus, type OrderView } from '@tributary/order-views';
import { compareCounts, countsHold, formatCounts, listCustomerOrders, type CountResult, type ListedOrder } from '../load/count-check.ts';
import { startChild, type ChildServers } from './child.ts';
import { cpuProblems, formatCpuShare, measureCpu, type CpuShare } from './cpu-share.ts';
import { createHttpLoad } from './http-load.ts';
import { percentile } from './latency.ts';
import { freshName, runProjector } from './projection-contenders.ts';
import { inFreshDatabase, withProducedTopic } from './projection.bench.ts';

interface FlowServers {
  urls: Record<'orders-api' | 'query-api' | 'inventory-service', string>;
}

export interface SagaBenchOptions {
  kafkaBrokers: readonly string[];
  registryUrl: string;
  mongoUri: string;
  full: boolean;
}

interface LevelResult {
  rate: number;
  sent: number;
  refused: number;
  counts: CountResult;
  confirmed: number;
  finalMs: number[];
  /** CPU each flow process used, as a share of one core. */
  flowCores: number[];
  cpu: CpuShare;
}

const skus = ['SKU-10001', 'SKU-20417'];
const orderBody = (customerId: string) =>
  JSON.stringify({ customerId, currency: 'EUR', items: [{ sku: 'SKU-10001', quantity: 1, unitPrice: '19.99' }, { sku: 'SKU-20417', quantity: 1, unitPrice: '249.5' }] });

/** CPU seconds a process has used so far, from /proc (Linux, 100 ticks a second); 0 where that cannot be read. */
const cpuSecondsOf = (pid: number | undefined): number => {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
};

const isFinal = (status: string): boolean => finalOrderStatuses.includes(status as OrderStatus);

/** Lists the customer's orders until every accepted one is listed and final, or `drainMs` has passed. */
const drain = async (queryApi: string, customerId: string, accepted: number, drainMs: number): Promise<ListedOrder[]> => {
  const deadline = Date.now() + drainMs;
  for (;;) {
    const listed = await listCustomerOrders(queryApi, customerId);
    if ((listed.length >= accepted && listed.every((order) => isFinal(order.status))) || Date.now() > deadline) return listed;
    await sleep(250);
  }
};

/**
 * One rate: orders placed open-loop at `rate` a second for `seconds`, spread over the flows'
 * orders APIs, as one customer; then the count check on the read model once every order ended (or
 * the drain time passed), and each order's time from its 202 to its final step.
 */
const runLevel = async (flows: readonly ChildServers<FlowServers>[], rate: number, seconds: number, drainMs: number): Promise<LevelResult> => {
  const load = createHttpLoad(64);
  const queryApi = flows[0]?.info.urls['query-api'] ?? '';
  const customerId = freshName(`saga-${rate}`);
  const acceptedAt = new Map<string, number>();
  const accepted: string[] = [];
  let refused = 0;
  const cpuBefore = flows.map((flow) => cpuSecondsOf(flow.pid));
  const wallStart = performance.now();
  const { result: listed, cpu } = await measureCpu(async () => {
    const sends: Promise<void>[] = [];
    for (let index = 0; index < rate * seconds; index += 1) {
      const wait = wallStart + (index * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
      const flow = flows[index % flows.length] as ChildServers<FlowServers>;
      const sent = load.send({ method: 'POST', url: new URL('/orders', flow.info.urls['orders-api']), body: orderBody(customerId) }).then(
        (res) => {
          if (res.status !== 202) return void (refused += 1);
          const { orderId } = JSON.parse(res.body) as { orderId: string };
          accepted.push(orderId);
          acceptedAt.set(orderId, Date.now());
        },
        () => void (refused += 1),
      );
      sends.push(sent);
    }
    await Promise.all(sends);
    return drain(queryApi, customerId, accepted.length, drainMs);
  });
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const flowCores = flows.map((flow, index) => (cpuSecondsOf(flow.pid) - (cpuBefore[index] ?? 0)) / wallSeconds);
  const finalMs: number[] = [];
  for (const order of listed.filter((one) => isFinal(one.status))) {
    const res = await load.send({ method: 'GET', url: new URL(`/orders/${order.orderId}`, queryApi) });
    const view = JSON.parse(res.body) as OrderView;
    const last = view.timeline.find((entry) => isFinal(entry.step));
    const at = acceptedAt.get(order.orderId);
    if (last && at !== undefined) finalMs.push(Date.parse(last.at) - at);
  }
  const counts = compareCounts(accepted, listed);
  return { rate, sent: rate * seconds, refused, counts, confirmed: listed.filter((order) => order.status === 'CONFIRMED').length, finalMs, flowCores, cpu };
};

/**
 * A rate the saga keeps up with: every order accepted and CONFIRMED, the count check holding, and
 * the p99 from 202 to final within a second. Past its capacity a backlog grows for as long as the
 * load lasts, and the p99 with it; a drained backlog alone would pass the count check.
 */
const maxFinalP99Ms = 1_000;
const sustained = (level: LevelResult): boolean =>
  level.refused === 0 && countsHold(level.counts) && level.confirmed === level.counts.accepted && percentile(level.finalMs, 0.99) <= maxFinalP99Ms;

const formatLevel = (level: LevelResult, seconds: number): string[] => [
  `${String(level.rate).padStart(4)} orders/s for ${seconds} s: ${sustained(level) ? 'sustained' : 'NOT sustained'}; ${level.confirmed} CONFIRMED (${(level.confirmed / seconds).toFixed(1)}/s), ${level.refused} refused; 202 -> final p50 ${percentile(level.finalMs, 0.5).toFixed(0)} ms p99 ${percentile(level.finalMs, 0.99).toFixed(0)} ms; flow processes ${level.flowCores.map((cores) => `${Math.round(cores * 100)}%`).join(' + ')} of a core`,
  `      ${formatCounts('count check', level.counts)}`,
  `      ${formatCpuShare(level.cpu, 'load generator')}`,
];

/** Steps the rate up until a rate is not sustained; the highest sustained one is the figure. */
const rateLadder = async (instances: number, options: SagaBenchOptions, rates: readonly number[], seconds: number, progress: (line: string) => void): Promise<{ lines: string[]; best: LevelResult | undefined }> => {
  const name = freshName('bench-saga');
  const env = { KAFKA_BROKERS: options.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: options.registryUrl, MONGODB_URI: options.mongoUri, BENCH_NAME: name, GATEWAY_LATENCY_MS: '20' };
  const flows: ChildServers<FlowServers>[] = [];
  try {
    // The same topics, groups and database: a second process joins every consumer group.
    for (let n = 0; n < instances; n += 1) flows.push(await startChild<FlowServers>('./latency-servers.ts', env));
    for (const sku of skus) {
      const res = await fetch(new URL(`/stock/${sku}`, flows[0]?.info.urls['inventory-service']), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quantity: 100_000_000 }) });
      if (!res.ok) throw new Error(`PUT /stock/${sku} answered ${res.status}`);
    }
    await runLevel(flows, 2, 3, 15_000); // warm-up: joins, schema look-ups, first transactions
    const lines: string[] = [`${instances} instance${instances > 1 ? 's' : ''} of every service (${instances} process${instances > 1 ? 'es' : ''}):`];
    let best: LevelResult | undefined;
    for (const rate of rates) {
      progress(`saga: ${instances} instance(s), ${rate} orders/s`);
      const level = await runLevel(flows, rate, seconds, 15_000);
      lines.push(...formatLevel(level, seconds).map((line) => `  ${line}`));
      if (!sustained(level)) break;
      // A rate measured on a machine too busy to tell is no figure, though the ladder goes on past it.
      if (cpuProblems(level.cpu, 'load generator').length === 0) best = level;
    }
    return { lines, best };
  } finally {
    await Promise.all(flows.map((flow) => flow.stop()));
  }
};

/**
 * Saga throughput: the highest rate of orders that all end CONFIRMED (0 refused, 0 lost, 0
 * duplicated, 0 stuck, p99 from 202 to final within a second) with one instance of every service, then with two, and the projector's own
 * capacity on the same backbone, in one run.
 */
export const sagaBench = async (options: SagaBenchOptions, progress: (line: string) => void = () => undefined): Promise<string[]> => {
  const rates = options.full ? [5, 10, 15, 20, 25, 30, 40, 50, 60] : [5, 10, 15, 20, 30, 40];
  const seconds = options.full ? 15 : 5;
  const lines: string[] = [];
  const bests: (LevelResult | undefined)[] = [];
  for (const instances of [1, 2]) {
    const { lines: ladder, best } = await rateLadder(instances, options, rates, seconds, progress);
    lines.push(...ladder);
    bests.push(best);
  }
  progress('saga: the projector alone');
  const events = options.full ? 20_000 : 4_000;
  const projector = await withProducedTopic(options, 'bench-saga-projector', events, (topic, _documents, client) => inFreshDatabase(client, (db) => runProjector(topic, db, 300_000)));
  const projectorRate = projector.events / projector.seconds;
  // A confirmed order brings the projector four events: placed, stock reserved, payment authorized, confirmed.
  lines.push(`projector alone: ${Math.round(projectorRate).toLocaleString('en-US')} events/s, about ${Math.round(projectorRate / 4)} orders/s at 4 events per confirmed order`);
  const [one = 0, two = 0] = bests.map((best) => best?.rate ?? 0);
  lines.push(`highest sustained rate (every order CONFIRMED, counts holding, p99 202 -> final <= ${maxFinalP99Ms} ms): one instance ${one} orders/s, two instances ${two} orders/s (ratio ${one > 0 ? (two / one).toFixed(2) : 'n/a'}); the rates tried: ${rates.join(', ')}`);
  return lines;
};
