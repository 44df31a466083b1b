import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../tcp-proxy.ts';
import { resultsDir } from './backbone.ts';
import { startFlow, type Flow } from './flow.ts';
import { expectKept as keep, expectRejectedAtOnce, refusedCurrency } from './expectations.ts';
import { currencyRefused, gatewayFlapping, gatewayRefusing, killAndRestart, outage, poisonRecords, registryOutage, type FreshProducerCheck } from './faults.ts';
import { formatResults, writeResults, type ScenarioResult } from './results.ts';
import { runScenario, type ScenarioRun } from './scenarios.ts';

/**
 * The faults that touch nothing but this file's own services, so they run on the shared test
 * backbone next to other files: processes killed, the gateway misbehaving, the store and the
 * registry cut off behind a proxy only these services use, poison records in this file's topics.
 * `npm run test:faults` runs these and the backbone outages, longer, on a backbone of its own.
 */
const results: ScenarioResult[] = [];
let flow: Flow;
let storeProxy: TcpProxy;
let registryProxy: TcpProxy;

const expectKept = (run: ScenarioRun): Promise<void> => keep(run, results, join(resultsDir, 'quick-logs'));

beforeAll(async () => {
  const backbone = inject('backbone');
  const store = new URL(backbone.mongoUri);
  const registry = new URL(backbone.registryUrl);
  storeProxy = await startTcpProxy(Number(store.port), store.hostname);
  registryProxy = await startTcpProxy(Number(registry.port), registry.hostname);
  flow = await startFlow('faults-quick', {
    env: {
      MONGODB_URI: `mongodb://127.0.0.1:${storeProxy.port}`,
      SCHEMA_REGISTRY_URL: `http://127.0.0.1:${registryProxy.port}${registry.pathname}`,
    },
  });
});

afterAll(async () => {
  await flow?.stop();
  await storeProxy?.close();
  await registryProxy?.close();
  if (results.length === 0) return;
  console.log(`\nFault injection (quick subset, shared backbone)\n${formatResults(results)}\n`);
  await writeResults(join(resultsDir, 'quick-results.md'), 'Fault injection: quick subset', results);
});

describe('the order flow under faults that stay inside this file', () => {
  it('keeps every order when the projector and the saga are killed with SIGKILL mid-batch', async () => {
    await expectKept(await runScenario(flow, { name: 'SIGKILL projector + saga', fault: killAndRestart(['order-projector', 'orders-service'], 500), loadMs: 6_000, faultAfterMs: 2_000 }));
  }, 200_000);

  it('keeps every order while the payment gateway flaps', async () => {
    await expectKept(await runScenario(flow, { name: 'gateway flapping', fault: gatewayFlapping(4_000, 1_000), loadMs: 5_000, faultAfterMs: 1_000 }));
  }, 200_000);

  it('rejects at once the orders whose payment the gateway refuses', async () => {
    const run = await runScenario(flow, { name: 'gateway refusing 30%', fault: gatewayRefusing(0.3, 4_000), loadMs: 5_000, faultAfterMs: 500 });
    await expectKept(run);
    expectRejectedAtOnce(run);
  }, 200_000);

  it('rejects at once the orders in a currency the gateway refuses, placed among ordinary ones', async () => {
    const run = await runScenario(flow, { name: 'currency refused', fault: currencyRefused(refusedCurrency, 4_000), loadMs: 5_000, faultAfterMs: 500, otherCurrency: refusedCurrency });
    await expectKept(run);
    expectRejectedAtOnce(run);
  }, 200_000);

  it('keeps every order while the store is unreachable', async () => {
    await expectKept(await runScenario(flow, { name: 'store cut off 5 s', fault: outage(() => storeProxy.cut(), () => storeProxy.restore(), 5_000), loadMs: 7_000, faultAfterMs: 1_000 }));
  }, 200_000);

  it('keeps consuming on cached schemas while the registry is unreachable; a producer without its schema fails clearly, then succeeds', async () => {
    const fresh: FreshProducerCheck = {};
    await expectKept(await runScenario(flow, { name: 'registry cut off 5 s', fault: registryOutage(() => registryProxy.cut(), () => registryProxy.restore(), 5_000, fresh), loadMs: 7_000, faultAfterMs: 1_000 }));
    expect(fresh.during).toMatchObject({ status: 503, code: 'REGISTRY_UNAVAILABLE' });
    expect(fresh.after?.status).toBe(202);
  }, 200_000);

  it('dead-letters records that are not Avro or name an unknown schema, in every topic, and keeps going', async () => {
    await expectKept(await runScenario(flow, { name: 'poison records', fault: poisonRecords(3_000, 300), loadMs: 4_000, faultAfterMs: 500 }));
  }, 200_000);
});
