import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { finalOrderStatuses, type OrderView, type TimelineStep } from '@tributary/order-views';
import { startChild } from './child.ts';
import { formatCpuShare, measureCpu } from './cpu-share.ts';
import { createHttpLoad } from './http-load.ts';
import { formatBreakdown, snapshot, type HopService } from './latency-breakdown.ts';
import { percentile } from './latency.ts';

interface LatencyServers {
  urls: Record<'orders-api' | 'query-api' | 'inventory-service' | 'payments-service' | 'orders-service' | 'order-projector', string>;
  control: string;
}

export interface LatencyBenchOptions {
  kafkaBrokers: readonly string[];
  registryUrl: string;
  mongoUri: string;
  full: boolean;
}

const gatewayLatencyMs = 20;
const skus = ['SKU-10001', 'SKU-20417'];
const body = (index: number) =>
  JSON.stringify({ customerId: `bench-${index % 97}`, currency: 'EUR', items: [{ sku: 'SKU-10001', quantity: 1, unitPrice: '19.99' }, { sku: 'SKU-20417', quantity: 1, unitPrice: '249.5' }] });

/** The hops of a confirmed order, from its timeline; `visible` is when the bench first read it CONFIRMED. */
const hops: { label: string; from: TimelineStep; to: TimelineStep | 'visible'; goalMs?: number }[] = [
  { label: 'placed -> reserved', from: 'PLACED', to: 'STOCK_RESERVED', goalMs: 10 },
  { label: 'reserved -> authorized', from: 'STOCK_RESERVED', to: 'PAYMENT_AUTHORIZED' },
  { label: 'authorized -> confirmed', from: 'PAYMENT_AUTHORIZED', to: 'CONFIRMED', goalMs: 10 },
  { label: 'confirmed -> visible', from: 'CONFIRMED', to: 'visible', goalMs: 10 },
];

/**
 * Latency on an idle stack: orders placed one after another through every service of the flow
 * (the gateway simulator answering after 20 ms); for each, the time from the 202 to reading it
 * CONFIRMED from the query API (polled every `pollMs`), and each hop from its timeline, against
 * Kafka's own produce-to-consume latency on the same broker; then where each hop's time went,
 * from the consumer runtime's stage histograms.
 */
export const latencyBench = async ({ kafkaBrokers, registryUrl, mongoUri, full }: LatencyBenchOptions, progress: (line: string) => void = () => undefined): Promise<string[]> => {
  const orders = full ? 200 : 40;
  const warmup = 5;
  // Often enough to resolve a hop of a few milliseconds, rarely enough that the polling does not load the query API and the store much.
  const pollMs = 5;
  // An order is CONFIRMED before its saga is over (inventory still drops its holds, the projector
  // still counts it for its customer): the next one waits for that, so each order meets an idle stack.
  const settleMs = 100;
  const name = `bench-latency-${randomBytes(4).toString('hex')}`;
  const servers = await startChild<LatencyServers>('./latency-servers.ts', {
    KAFKA_BROKERS: kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: registryUrl,
    MONGODB_URI: mongoUri,
    BENCH_NAME: name,
    GATEWAY_LATENCY_MS: String(gatewayLatencyMs),
  });
  const { urls } = servers.info;
  const load = createHttpLoad(4);
  try {
    for (const sku of skus) {
      const res = await fetch(new URL(`/stock/${sku}`, urls['inventory-service']), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quantity: 1_000_000 }) });
      if (!res.ok) throw new Error(`PUT /stock/${sku} answered ${res.status}`);
    }
    /** One order from POST to CONFIRMED in the query API: milliseconds from the 202, and its view. */
    const placeOne = async (index: number): Promise<{ ms: number; seenAt: number; view: OrderView }> => {
      const res = await load.send({ method: 'POST', url: new URL('/orders', urls['orders-api']), body: body(index) });
      const acceptedAt = performance.now();
      if (res.status !== 202) throw new Error(`POST /orders answered ${res.status}: ${res.body.slice(0, 200)}`);
      const { orderId } = JSON.parse(res.body) as { orderId: string };
      for (;;) {
        const got = await load.send({ method: 'GET', url: new URL(`/orders/${orderId}`, urls['query-api']) });
        const now = performance.now();
        const view = got.status === 200 ? (JSON.parse(got.body) as OrderView) : undefined;
        if (view?.status === 'CONFIRMED') return { ms: now - acceptedAt, seenAt: Date.now(), view };
        if (view && finalOrderStatuses.includes(view.status)) throw new Error(`order ${orderId} ended ${view.status}, not CONFIRMED`);
        if (now - acceptedAt > 30_000) throw new Error(`order ${orderId} not CONFIRMED after 30 s (status ${view?.status ?? 'not projected'})`);
        await sleep(pollMs);
      }
    };
    progress(`latency: ${warmup} warm-up orders`);
    for (let index = 0; index < warmup; index += 1) {
      await placeOne(index);
      await sleep(settleMs);
    }

    const hopServices: HopService[] = [
      { hop: 'placed -> reserved', url: urls['inventory-service'], topic: name, producer: 'inventory-service' },
      { hop: 'reserved -> authorized', url: urls['payments-service'], topic: `${name}-inventory`, producer: 'payments-service' },
      { hop: 'authorized -> confirmed', url: urls['orders-service'], topic: `${name}-payments`, producer: 'orders-service' },
      { hop: 'confirmed -> visible', url: urls['order-projector'], topic: name },
    ];
    const before = await Promise.all(hopServices.map(snapshot));
    progress(`latency: ${orders} orders, one after another`);
    const { result: samples, cpu } = await measureCpu(async () => {
      const done: { ms: number; seenAt: number; view: OrderView }[] = [];
      for (let index = 0; index < orders; index += 1) {
        done.push(await placeOne(warmup + index));
        await sleep(settleMs);
      }
      return done;
    });
    const after = await Promise.all(hopServices.map(snapshot));
    progress('latency: Kafka alone');
    const kafkaRes = await load.send({ method: 'POST', url: new URL(`/kafka-latency?rate=20&seconds=${full ? 10 : 3}`, servers.info.control) });
    if (kafkaRes.status !== 200) throw new Error(`/kafka-latency answered ${kafkaRes.status}: ${kafkaRes.body.slice(0, 200)}`);
    const kafka = JSON.parse(kafkaRes.body) as { count: number; p50: number; p99: number };

    const at = (view: OrderView, step: TimelineStep): number => Date.parse(view.timeline.find((entry) => entry.step === step)?.at ?? 'NaN');
    const line = (label: string, values: number[], goal: string) => `${label.padEnd(34)} p50 ${percentile(values, 0.5).toFixed(1).padStart(6)} ms   p99 ${percentile(values, 0.99).toFixed(1).padStart(6)} ms   ${goal}`;
    const verdict = (values: number[], goalMs: number) => `goal p50 <= ${goalMs} ms: ${percentile(values, 0.5) <= goalMs ? 'met' : 'NOT met'}`;
    const endToEnd = samples.map((sample) => sample.ms);
    return [
      line('202 -> CONFIRMED in the query API', endToEnd, `${verdict(endToEnd, 60)}   (${orders} orders one after another, ${settleMs} ms apart, polled every ${pollMs} ms)`),
      ...hops.map(({ label, from, to, goalMs }) => {
        const values = samples.map(({ view, seenAt }) => (to === 'visible' ? seenAt : at(view, to)) - at(view, from));
        return line(`  ${label}`, values, goalMs === undefined ? `(the gateway simulator answers after ${gatewayLatencyMs} ms)` : verdict(values, goalMs));
      }),
      `${'Kafka produce -> consume'.padEnd(34)} p50 ${kafka.p50.toFixed(1).padStart(6)} ms   p99 ${kafka.p99.toFixed(1).padStart(6)} ms   (${kafka.count} records at 20/s, same broker: the baseline)`,
      `end-to-end p50 / Kafka p50         ratio ${(percentile(endToEnd, 0.5) / kafka.p50).toFixed(1)}`,
      'where a hop goes (consumer stages of the service that makes it; fetch_wait runs from the record\'s create time, so it holds the upstream commit):',
      ...hopServices.map((service, index) => `  ${formatBreakdown(service, before[index] ?? new Map<string, number>(), after[index] ?? new Map<string, number>())}`),
      formatCpuShare(cpu, 'load generator'),
    ];
  } finally {
    load.close();
    await servers.stop();
  }
};
