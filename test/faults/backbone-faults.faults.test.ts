import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resultsDir, startComponents, stopComponent } from './backbone.ts';
import { startFlow, type Flow } from './flow.ts';
import { expectKept as keep, expectRejectedAtOnce, refusedCurrency } from './expectations.ts';
import { formatResults, writeResults, type ScenarioResult } from './results.ts';
import {
  currencyRefused,
  gatewayFailing,
  gatewayFlapping,
  gatewayRefusing,
  gatewaySlow,
  killAndRestart,
  outage,
  poisonRecords,
  rebalanceStorm,
  registryOutage,
  type FreshProducerCheck,
} from './faults.ts';
import { runScenario, type ScenarioRun } from './scenarios.ts';

/**
 * Every fault of the suite on a backbone of its own (see global-setup.ts): the broker, the registry
 * and the store really stop and start again. Each scenario gets a fresh flow of services, so one
 * that leaves a service stuck shows in its own row and not in every row after it.
 */
const results: ScenarioResult[] = [];
let flow: Flow;
const outageMs = 15_000;
// The refusal scenarios test a path, not throughput: a rate a busy machine keeps up with, so payments
// are tried before the orders' deadlines.
const refusalRate = 3;

const expectKept = (run: ScenarioRun): Promise<void> => keep(run, results, join(resultsDir, 'logs'));

beforeEach(async () => {
  flow = await startFlow('faults');
});

afterEach(async () => {
  await flow.stop();
});

afterAll(async () => {
  if (results.length === 0) return;
  console.log(`\nFault injection\n${formatResults(results)}\n`);
  await writeResults(join(resultsDir, 'results.md'), 'Fault injection', results);
});

describe('the order flow under faults', () => {
  it('keeps every order when the Kafka broker stops for 15 s mid-stream and restarts', async () => {
    await expectKept(await runScenario(flow, { name: 'Kafka broker down 15 s', fault: outage(() => stopComponent('kafka'), startComponents, outageMs), loadMs: 30_000, marginMs: 120_000 }));
  });

  it('keeps every order when the projector and two saga services are killed with SIGKILL mid-batch', async () => {
    await expectKept(await runScenario(flow, { name: 'SIGKILL projector + saga', fault: killAndRestart(['order-projector', 'orders-service', 'inventory-service'], 2_000), loadMs: 20_000, faultAfterMs: 5_000 }));
  });

  it('keeps every order when the store stops for 15 s', async () => {
    await expectKept(await runScenario(flow, { name: 'store down 15 s', fault: outage(() => stopComponent('store'), startComponents, outageMs), loadMs: 25_000 }));
  });

  it('keeps consuming on cached schemas while the registry stops for 15 s; a producer without its schema fails clearly, then succeeds', async () => {
    const fresh: FreshProducerCheck = {};
    await expectKept(await runScenario(flow, { name: 'registry down 15 s', fault: registryOutage(() => stopComponent('registry'), startComponents, outageMs, fresh), loadMs: 25_000 }));
    expect(fresh.during).toMatchObject({ status: 503, code: 'REGISTRY_UNAVAILABLE' });
    expect(fresh.after?.status).toBe(202);
  });

  it('keeps every order while the payment gateway fails every call', async () => {
    await expectKept(await runScenario(flow, { name: 'gateway failing 10 s', fault: gatewayFailing(10_000), loadMs: 15_000 }));
  });

  it('keeps every order while the payment gateway answers after the breaker timeout', async () => {
    await expectKept(await runScenario(flow, { name: 'gateway slow 10 s', fault: gatewaySlow(10_000), loadMs: 15_000 }));
  });

  it('keeps every order while the payment gateway flaps', async () => {
    await expectKept(await runScenario(flow, { name: 'gateway flapping 12 s', fault: gatewayFlapping(12_000, 1_500), loadMs: 15_000 }));
  });

  it('rejects at once the orders whose payment the gateway refuses, and keeps every other', async () => {
    const run = await runScenario(flow, { name: 'gateway refusing 20% 12 s', fault: gatewayRefusing(0.2, 12_000), loadMs: 15_000, ratePerSecond: refusalRate });
    await expectKept(run);
    expectRejectedAtOnce(run);
  });

  it('rejects at once the orders in a currency the gateway refuses, placed among ordinary ones', async () => {
    const run = await runScenario(flow, { name: 'currency refused 12 s', fault: currencyRefused(refusedCurrency, 12_000), loadMs: 15_000, ratePerSecond: refusalRate, otherCurrency: refusedCurrency });
    await expectKept(run);
    expectRejectedAtOnce(run);
  });

  it('keeps every order through a rebalance storm', async () => {
    await expectKept(await runScenario(flow, { name: 'rebalance storm 20 s', fault: rebalanceStorm(20_000, 2_500), loadMs: 22_000 }));
  });

  it('dead-letters records that are not Avro or name an unknown schema, in every topic, and keeps going', async () => {
    await expectKept(await runScenario(flow, { name: 'poison records', fault: poisonRecords(10_000, 500), loadMs: 12_000 }));
  });
});
