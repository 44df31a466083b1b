import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { orderViewsCollection } from '@tributary/order-views';
import { MongoClient } from 'mongodb';
import { startChild } from './child.ts';
import { formatCpuShare, measureCpu } from './cpu-share.ts';
import { createHttpLoad } from './http-load.ts';
import { percentile } from './latency.ts';

interface FreshnessServers {
  ordersApi: string;
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

/**
 * Freshness: POST /orders at a constant arrival rate of half the projector's measured capacity;
 * for a sample of the orders, the time from the 202 to the view being readable in the store
 * (polled by id every `pollMs`), against Kafka's own produce-to-consume latency at the same rate.
 */
export const freshnessBench = async ({ kafkaBrokers, registryUrl, mongoUri, full }: FreshnessBenchOptions, progress: (line: string) => void = () => undefined): Promise<string[]> => {
  const seconds = full ? 60 : 10;
  const capacityEvents = full ? 10_000 : 1_500;
  const tracked = full ? 1_000 : 150;
  const pollMs = 5;
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
    const rate = Math.max(1, Math.round(eventsPerSecond / 2));
    const total = rate * seconds;
    const every = Math.max(1, Math.floor(total / tracked));
    const views = mongo.db(servers.info.database).collection<{ _id: string }>(orderViewsCollection);

    progress(`freshness: ${rate} orders/s for ${seconds} s`);
    const { result: freshness, cpu } = await measureCpu(async () => {
      const latencies: number[] = [];
      const failures: string[] = [];
      const follow = async (index: number) => {
        const res = await load.send({ method: 'POST', url: new URL('/orders', servers.info.ordersApi), body: body(index) });
        const acceptedAt = performance.now();
        if (res.status !== 202) return void failures.push(`POST /orders answered ${res.status}`);
        if (index % every !== 0) return;
        const { orderId } = JSON.parse(res.body) as { orderId: string };
        while (performance.now() - acceptedAt < 30_000) {
          if (await views.findOne({ _id: orderId }, { projection: { _id: 1 } })) return void latencies.push(performance.now() - acceptedAt);
          await sleep(pollMs);
        }
        failures.push(`order ${orderId} not visible after 30 s`);
      };
      // Open loop: requests start on schedule whether or not earlier ones have answered.
      const inFlight: Promise<void>[] = [];
      const started = performance.now();
      for (let sent = 0; sent < total; ) {
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
        for (; sent < due; sent += 1) inFlight.push(follow(sent));
        await sleep(2);
      }
      await Promise.all(inFlight);
      return { latencies, failures };
    });
    progress(`freshness: Kafka alone at ${rate} records/s`);
    const kafka = await control<{ count: number; p50: number; p99: number }>(`/kafka-latency?rate=${rate}&seconds=${seconds}`);

    const p50 = percentile(freshness.latencies, 0.5);
    const p99 = percentile(freshness.latencies, 0.99);
    return [
      `projection capacity                 ${Math.round(eventsPerSecond).toLocaleString('en-US')} events/s (order projector alone, ${capacityEvents.toLocaleString('en-US')} events); load at half: ${rate} orders/s for ${seconds} s`,
      `202 -> visible in the read model    p50 ${p50.toFixed(1)} ms   p99 ${p99.toFixed(1)} ms   (${freshness.latencies.length} sampled orders, polled by id every ${pollMs} ms)`,
      `Kafka produce -> consume            p50 ${kafka.p50.toFixed(1)} ms   p99 ${kafka.p99.toFixed(1)} ms   (${kafka.count} records, same broker and rate)`,
      `freshness p99 / Kafka p99           ratio ${(p99 / kafka.p99).toFixed(2)}   goal p99 < 250 ms: ${p99 < 250 ? 'met' : 'NOT met'}${freshness.failures.length > 0 ? `   ${freshness.failures.length} failures, e.g. ${freshness.failures[0] ?? ''}` : ''}`,
      formatCpuShare(cpu, 'load generator'),
    ];
  } finally {
    load.close();
    await mongo.close();
    await servers.stop();
  }
};
