import { setTimeout as sleep } from 'node:timers/promises';
import { loadInventoryServiceSettings } from '@tributary/inventory-service/settings';
import { startInventoryService } from '@tributary/inventory-service';
import { startOrderProjector } from '@tributary/order-projector';
import { loadOrderProjectorSettings } from '@tributary/order-projector/settings';
import { startOrdersApi } from '@tributary/orders-api';
import { loadOrdersApiSettings } from '@tributary/orders-api/settings';
import { startOrdersService } from '@tributary/orders-service';
import { loadOrdersServiceSettings } from '@tributary/orders-service/settings';
import { startPaymentsService } from '@tributary/payments-service';
import { loadPaymentsServiceSettings } from '@tributary/payments-service/settings';
import type { RunningService } from '@tributary/service';
import { Partitioners } from 'kafkajs';
import { testKafka, testLogger } from '../support.ts';
import type { Flow, FlowApp } from './flow.ts';

/*
 * The faults a scenario makes happen (see runScenario): each starts once orders are flowing and
 * resolves when the fault is over and whatever it took away is back.
 */
/** Takes something away for a while and brings it back. */
export const outage = (take: () => Promise<void> | void, restore: () => Promise<void> | void, downMs: number) => async (): Promise<void> => {
  await take();
  await sleep(downMs);
  await restore();
};

/** SIGKILL while batches are in flight, a moment without the process, then a fresh start. */
export const killAndRestart = (apps: readonly FlowApp[], downMs: number) => async (flow: Flow): Promise<void> => {
  await Promise.all(apps.map((app) => flow.kill(app)));
  await sleep(downMs);
  await Promise.all(apps.map((app) => flow.start(app)));
};

const setGateway = async (flow: Flow, behaviour: Record<string, unknown>): Promise<void> => {
  const res = await fetch(`${flow.gatewayUrl}/admin/behaviour`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(behaviour) });
  if (res.status !== 200) throw new Error(`the gateway refused ${JSON.stringify(behaviour)}: ${res.status}`);
};

/** What the flow's gateway does when no fault is on: quick, and refusing nothing. */
const healthyGateway = { failureRate: 0, latencyMs: 5, rejectRate: 0, refusedCurrencies: [] };

/** Every call answered 503 for a while. */
export const gatewayFailing = (downMs: number) => (flow: Flow) =>
  outage(() => setGateway(flow, { failureRate: 1 }), () => setGateway(flow, healthyGateway), downMs)();

/** Every call answered after the payments service's timeout (PAYMENT_GATEWAY_TIMEOUT_MS, 1.5 s in the flow). */
export const gatewaySlow = (downMs: number) => (flow: Flow) =>
  outage(() => setGateway(flow, { latencyMs: 3_000 }), () => setGateway(flow, healthyGateway), downMs)();

/**
 * A share of payment requests refused with a 422 for a while (the gateway's rejectRate, chosen by
 * the idempotency key): payments-service dead-letters each as UPSTREAM_REJECTED and publishes
 * PaymentFailed, and the saga rejects the order at once rather than at its deadline.
 */
export const gatewayRefusing = (share: number, downMs: number) => (flow: Flow) =>
  outage(() => setGateway(flow, { rejectRate: share }), () => setGateway(flow, healthyGateway), downMs)();

/**
 * Payments in one currency refused for a while (the gateway's refusedCurrencies): with orders in
 * that currency among the others (ScenarioOptions.otherCurrency), the payment step fails for
 * exactly those orders, from data alone, while the rest go through.
 */
export const currencyRefused = (currency: string, downMs: number) => (flow: Flow) =>
  outage(() => setGateway(flow, { refusedCurrencies: [currency] }), () => setGateway(flow, healthyGateway), downMs)();

/** Failing and healthy in turns, so the breaker opens, probes and closes again and again. */
export const gatewayFlapping = (totalMs: number, periodMs: number) => async (flow: Flow): Promise<void> => {
  const until = Date.now() + totalMs;
  for (let failing = true; Date.now() < until; failing = !failing) {
    await setGateway(flow, failing ? { failureRate: 1 } : healthyGateway);
    await sleep(periodMs);
  }
  await setGateway(flow, healthyGateway);
};

const extraConsumers: ((env: Record<string, string>) => Promise<RunningService>)[] = [
  (env) => startOrderProjector(loadOrderProjectorSettings(env), testLogger('order-projector')),
  (env) => startInventoryService(loadInventoryServiceSettings(env), testLogger('inventory-service')),
  (env) => startPaymentsService(loadPaymentsServiceSettings(env), testLogger('payments-service')),
  (env) => startOrdersService(loadOrdersServiceSettings(env), testLogger('orders-service')),
];

/**
 * Members join and leave the flow's consumer groups every few seconds, each change a rebalance
 * that takes partitions away from members in the middle of their batches.
 */
export const rebalanceStorm = (totalMs: number, everyMs: number) => async (flow: Flow): Promise<void> => {
  const extras: RunningService[] = [];
  const until = Date.now() + totalMs;
  try {
    for (let turn = 0; Date.now() < until; turn += 1) {
      const start = extraConsumers[turn % extraConsumers.length];
      if (extras.length < 3 && start) extras.push(await start({ ...flow.env, LOG_LEVEL: 'error' }));
      else await extras.shift()?.stop();
      await sleep(everyMs);
    }
  } finally {
    for (const extra of extras) await extra.stop();
  }
};

/**
 * Records no producer of ours writes, in every topic of the flow: bytes that are not the Avro wire
 * format, and the wire format naming a schema id the registry never issued.
 */
export const poisonRecords = (totalMs: number, everyMs: number) => async (flow: Flow): Promise<void> => {
  const producer = testKafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const unknownSchemaId = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 2, 4, 6]);
    const until = Date.now() + totalMs;
    for (let n = 0; Date.now() < until; n += 1) {
      await producer.send({
        topic: flow.topics[n % flow.topics.length] as string,
        messages: [
          { key: `poison-${n}`, value: Buffer.from(`{"not":"avro","n":${n}}`) },
          { key: `poison-${n}`, value: unknownSchemaId },
        ],
      });
      await sleep(everyMs);
    }
  } finally {
    await producer.disconnect();
  }
};

export interface FreshProducerCheck {
  /** What placing an order answered while the registry was away. */
  during?: { status: number; code?: string; message?: string };
  /** The same request, retried after the registry came back. */
  after?: { status: number; orderId?: string };
}

const placeOne = async (url: string, customerId: string): Promise<{ status: number; orderId?: string; code?: string; message?: string }> => {
  const res = await fetch(`${url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customerId, currency: 'EUR', items: [{ sku: 'FRESH-PRODUCER', quantity: 1, unitPrice: '1.00' }] }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await res.json().catch(() => ({}))) as { orderId?: string; error?: { code?: string; message?: string } };
  return { status: res.status, orderId: body.orderId, code: body.error?.code, message: body.error?.message };
};

/**
 * A registry outage, during which a producer that has not registered its schema yet (a fresh
 * orders-api) tries to place an order: it must fail clearly, and the same request must succeed once
 * the registry is back. The flow's own services keep going on the schemas they cached.
 */
export const registryOutage = (take: () => Promise<void> | void, restore: () => Promise<void> | void, downMs: number, check: FreshProducerCheck) => async (flow: Flow): Promise<void> => {
  const fresh = await startOrdersApi(loadOrdersApiSettings({ ...flow.env, ORDERS_API_PORT: '0' }), testLogger('orders-api'));
  try {
    await take();
    const halfway = sleep(downMs);
    check.during = await placeOne(fresh.url, 'customer-fresh-producer');
    await halfway;
    await restore();
    // Retried as a client would, until the registry answers again.
    const deadline = Date.now() + 60_000;
    do {
      check.after = await placeOne(fresh.url, 'customer-fresh-producer').catch(() => ({ status: 0 }));
      if (check.after.status !== 202) await sleep(1_000);
    } while (check.after.status !== 202 && Date.now() < deadline);
  } finally {
    await fresh.stop();
  }
};
