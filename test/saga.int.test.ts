import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { startInventoryService } from '@tributary/inventory-service';
import { loadInventoryServiceSettings } from '@tributary/inventory-service/settings';
import { startOrderProjector } from '@tributary/order-projector';
import { loadOrderProjectorSettings } from '@tributary/order-projector/settings';
import { startOrdersApi, type OrdersApi } from '@tributary/orders-api';
import { loadOrdersApiSettings } from '@tributary/orders-api/settings';
import { startOrdersService } from '@tributary/orders-service';
import { loadOrdersServiceSettings } from '@tributary/orders-service/settings';
import { startPaymentGateway } from '@tributary/payment-gateway';
import { loadPaymentGatewaySettings } from '@tributary/payment-gateway/settings';
import { startPaymentsService } from '@tributary/payments-service';
import { loadPaymentsServiceSettings } from '@tributary/payments-service/settings';
import { startQueryApi, type QueryApi } from '@tributary/query-api';
import { loadQueryApiSettings } from '@tributary/query-api/settings';
import type { RunningService } from '@tributary/service';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, serviceEnvironment, testLogger, uniqueName } from './support.ts';

/**
 * The whole saga on the real backbone: every service of the order flow runs in this process, each
 * with its own consumer group, and they meet only through Kafka topics.
 */
const names = { ordersTopic: uniqueName('saga'), database: uniqueName('saga') };
const baseEnv = serviceEnvironment(names, {
  // Small breaker timings so an outage opens and closes within a test.
  BREAKER_VOLUME_THRESHOLD: '3',
  BREAKER_RESET_TIMEOUT_MS: '1500',
  BREAKER_ROLLING_WINDOW_MS: '10000',
  PAYMENT_GATEWAY_TIMEOUT_MS: '4000',
  GATEWAY_LATENCY_MS: '5',
  GATEWAY_DECLINE_ABOVE: '10000',
  CONSUMER_RETRY_ATTEMPTS: '2',
  CONSUMER_RETRY_INITIAL_MS: '100',
  CONSUMER_RETRY_MAX_MS: '500',
});

// Every HTTP request made by code in this process, except the test's own, which use `testFetch`.
const outbound: string[] = [];
const testFetch = globalThis.fetch.bind(globalThis);
const recordUrl = (target: unknown): void => {
  if (typeof target === 'string') outbound.push(target);
  else if (target instanceof URL) outbound.push(target.href);
  else if (target instanceof Request) outbound.push(target.url);
  else if (target && typeof target === 'object') {
    const { protocol = 'http:', hostname, host, port, path } = target as { protocol?: string; hostname?: string; host?: string; port?: number | string; path?: string };
    outbound.push(`${protocol}//${hostname ?? host ?? 'localhost'}${port ? `:${port}` : ''}${path ?? '/'}`);
  }
};
const originalRequests = { http: http.request, https: https.request };

const running: RunningService[] = [];
let ordersApi: OrdersApi;
let queryApi: QueryApi;
let gatewayUrl: string;
let inventoryUrl: string;
let paymentsUrl: string;

const json = async (res: Response): Promise<Record<string, unknown>> => (await res.json()) as Record<string, unknown>;

const placeOrder = async (items: { sku: string; quantity: number; unitPrice: string }[], customerId = 'customer-saga'): Promise<string> => {
  const res = await testFetch(`${ordersApi.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId, currency: 'EUR', items }) });
  expect(res.status).toBe(202);
  return (await json(res))['orderId'] as string;
};

const readOrder = async (orderId: string): Promise<Record<string, unknown> | undefined> => {
  const res = await testFetch(`${queryApi.url}/orders/${orderId}`);
  return res.status === 200 ? json(res) : undefined;
};

const orderIn = (orderId: string, statuses: string[], timeoutMs = 30_000) =>
  eventually(
    async () => {
      const view = await readOrder(orderId);
      return view && statuses.includes(view['status'] as string) ? view : undefined;
    },
    { timeoutMs, intervalMs: 200 },
  );

const setStock = async (sku: string, quantity: number): Promise<void> => {
  const res = await testFetch(`${inventoryUrl}/stock/${sku}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quantity }) });
  expect(res.status).toBeLessThan(300);
};

const stockOf = async (sku: string): Promise<number> => ((await json(await testFetch(`${inventoryUrl}/stock/${sku}`)))['available'] as number);

const setGateway = async (behaviour: Record<string, unknown>): Promise<void> => {
  const res = await testFetch(`${gatewayUrl}/admin/behaviour`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(behaviour) });
  expect(res.status).toBe(200);
};

const metricValue = async (url: string, pattern: RegExp): Promise<number | undefined> => {
  const text = await (await testFetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => pattern.test(candidate));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

const steps = (view: Record<string, unknown>): string[] => (view['timeline'] as { step: string }[]).map((entry) => entry.step);

beforeAll(async () => {
  globalThis.fetch = (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    recordUrl(input);
    return testFetch(input, init);
  };
  for (const [module, original] of [[http, originalRequests.http], [https, originalRequests.https]] as const) {
    (module as { request: unknown }).request = (...args: Parameters<typeof http.request>) => {
      recordUrl(args[0]);
      return original(...args);
    };
  }

  const gateway = await startPaymentGateway(loadPaymentGatewaySettings(baseEnv), testLogger('payment-gateway'));
  running.push(gateway);
  gatewayUrl = gateway.url;
  const env = { ...baseEnv, PAYMENT_GATEWAY_URL: gatewayUrl };
  const inventory = await startInventoryService(loadInventoryServiceSettings(env), testLogger('inventory-service'));
  running.push(inventory);
  inventoryUrl = inventory.url;
  const payments = await startPaymentsService(loadPaymentsServiceSettings(env), testLogger('payments-service'));
  running.push(payments);
  paymentsUrl = payments.url;
  running.push(await startOrdersService(loadOrdersServiceSettings(env), testLogger('orders-service')));
  ordersApi = await startOrdersApi(loadOrdersApiSettings(env), testLogger('orders-api'));
  running.push(ordersApi);
  running.push(await startOrderProjector(loadOrderProjectorSettings(env), testLogger('order-projector')));
  queryApi = await startQueryApi(loadQueryApiSettings(env), testLogger('query-api'));
  running.push(queryApi);
});

afterAll(async () => {
  for (const service of running.reverse()) await service.stop();
  globalThis.fetch = testFetch;
  (http as { request: unknown }).request = originalRequests.http;
  (https as { request: unknown }).request = originalRequests.https;
});

describe('the order saga across services', () => {
  it('confirms an order placed over HTTP once stock is reserved and payment authorized', async () => {
    await setStock('SAGA-HAPPY', 10);
    const orderId = await placeOrder([{ sku: 'SAGA-HAPPY', quantity: 2, unitPrice: '12.50' }]);
    const view = await orderIn(orderId, ['CONFIRMED', 'REJECTED', 'CANCELLED']);
    expect(view).toMatchObject({ orderId, status: 'CONFIRMED', total: '25', currency: 'EUR' });
    expect(steps(view)).toEqual(['PLACED', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'CONFIRMED']);
    for (const entry of view['timeline'] as { at: string }[]) expect(Number.isNaN(Date.parse(entry.at))).toBe(false);
    expect(await stockOf('SAGA-HAPPY')).toBe(8);
  });

  it('rejects an order stock cannot cover, naming the short SKUs, and leaves stock untouched', async () => {
    await setStock('SAGA-PLENTY', 50);
    await setStock('SAGA-SHORT', 1);
    const orderId = await placeOrder([
      { sku: 'SAGA-PLENTY', quantity: 5, unitPrice: '1.00' },
      { sku: 'SAGA-SHORT', quantity: 3, unitPrice: '1.00' },
    ]);
    const view = await orderIn(orderId, ['REJECTED', 'CONFIRMED', 'CANCELLED']);
    expect(view['status']).toBe('REJECTED');
    expect(view['shortSkus']).toEqual([{ sku: 'SAGA-SHORT', requested: 3, available: 1 }]);
    expect(steps(view)).toEqual(['PLACED', 'STOCK_REJECTED', 'REJECTED']);
    expect(await stockOf('SAGA-PLENTY')).toBe(50);
    expect(await stockOf('SAGA-SHORT')).toBe(1);
  });

  it('rejects an order whose payment is declined and releases its stock', async () => {
    await setStock('SAGA-PRICEY', 4);
    // The gateway declines amounts above GATEWAY_DECLINE_ABOVE (10000).
    const orderId = await placeOrder([{ sku: 'SAGA-PRICEY', quantity: 2, unitPrice: '7500.00' }]);
    const view = await orderIn(orderId, ['REJECTED', 'CONFIRMED', 'CANCELLED']);
    expect(view['status']).toBe('REJECTED');
    expect(String(view['reason'])).toMatch(/declined/i);
    await eventually(async () => ((await readOrder(orderId)) && steps((await readOrder(orderId))!).includes('STOCK_RELEASED') ? true : undefined));
    expect(steps((await readOrder(orderId))!)).toEqual(expect.arrayContaining(['PLACED', 'STOCK_RESERVED', 'PAYMENT_DECLINED', 'REJECTED', 'STOCK_RELEASED']));
    await eventually(async () => ((await stockOf('SAGA-PRICEY')) === 4 ? true : undefined));
  });

  it('rides out a gateway outage: the breaker opens, payments wait paused, and every order completes once the gateway recovers, charged at most once', async () => {
    await setStock('SAGA-OUTAGE', 100);
    const deadLetteredBefore = (await metricValue(paymentsUrl, /^consumer_dead_lettered_total\{/)) ?? 0;
    await setGateway({ failureRate: 1 });
    const orderIds: string[] = [];
    for (let i = 0; i < 6; i += 1) orderIds.push(await placeOrder([{ sku: 'SAGA-OUTAGE', quantity: 1, unitPrice: '3.00' }], `customer-outage-${i}`));

    // The breaker opens and the payments consumer stops calling instead of retrying into the outage.
    await eventually(async () => ((await metricValue(paymentsUrl, /^breaker_state\{/)) === 2 ? true : undefined), { timeoutMs: 30_000 });
    await eventually(async () => ((await metricValue(paymentsUrl, /^consumer_paused_partitions\{/)) ?? 0) > 0 ? true : undefined, { timeoutMs: 15_000 });
    await sleep(3_000);
    for (const orderId of orderIds) expect((await readOrder(orderId))?.['status']).toBe('STOCK_RESERVED');

    await setGateway({ failureRate: 0 });
    for (const orderId of orderIds) expect((await orderIn(orderId, ['CONFIRMED', 'REJECTED', 'CANCELLED'], 45_000))['status']).toBe('CONFIRMED');
    expect(await metricValue(paymentsUrl, /^breaker_state\{/)).toBe(0);
    expect((await metricValue(paymentsUrl, /^consumer_dead_lettered_total\{/)) ?? 0).toBe(deadLetteredBefore);

    const charges = (await json(await testFetch(`${gatewayUrl}/admin/charges`)))['keys'] as Record<string, number>;
    for (const orderId of orderIds) expect(charges[orderId]).toBe(1);
    for (const [key, times] of Object.entries(charges)) expect(times, `charges for ${key}`).toBeLessThanOrEqual(1);
    expect(await stockOf('SAGA-OUTAGE')).toBe(94);
  }, 120_000);

  it('cancels an order that is not final yet and releases its stock', async () => {
    await setStock('SAGA-CANCEL', 3);
    // A slow gateway keeps the order waiting for its payment long enough to cancel it.
    await setGateway({ latencyMs: 3_000 });
    try {
      const orderId = await placeOrder([{ sku: 'SAGA-CANCEL', quantity: 2, unitPrice: '4.00' }]);
      await orderIn(orderId, ['STOCK_RESERVED']);
      const res = await eventually(async () => {
        const answer = await testFetch(`${ordersApi.url}/orders/${orderId}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'changed my mind' }) });
        return answer.status === 404 ? undefined : answer;
      });
      expect(res.status).toBe(202);
      expect(await json(res)).toEqual({ orderId, status: 'CANCELLED' });
      const view = await orderIn(orderId, ['CANCELLED']);
      expect(steps(view)).toEqual(expect.arrayContaining(['PLACED', 'STOCK_RESERVED', 'CANCELLED']));
      await eventually(async () => ((await stockOf('SAGA-CANCEL')) === 3 ? true : undefined));
      // The payment still answers after the cancellation; the order must stay cancelled.
      await eventually(async () => (steps((await readOrder(orderId))!).includes('PAYMENT_AUTHORIZED') ? true : undefined), { timeoutMs: 20_000 });
      await sleep(1_000);
      const after = (await readOrder(orderId))!;
      expect(after['status']).toBe('CANCELLED');
      expect(steps(after)).not.toContain('CONFIRMED');

      const again = await testFetch(`${ordersApi.url}/orders/${orderId}/cancel`, { method: 'POST' });
      expect(again.status).toBe(409);
    } finally {
      await setGateway({ latencyMs: 5 });
    }
  }, 90_000);

  it('refuses to cancel a confirmed order with 409', async () => {
    await setStock('SAGA-FINAL', 5);
    const orderId = await placeOrder([{ sku: 'SAGA-FINAL', quantity: 1, unitPrice: '2.00' }]);
    await orderIn(orderId, ['CONFIRMED']);
    const res = await testFetch(`${ordersApi.url}/orders/${orderId}/cancel`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect(await json(res)).toMatchObject({ error: { code: 'CONFLICT' } });
    expect((await readOrder(orderId))?.['status']).toBe('CONFIRMED');
    expect(await stockOf('SAGA-FINAL')).toBe(4);
  });

  it('answers cancelling an unknown order with 404 and a malformed id with 400', async () => {
    expect((await testFetch(`${ordersApi.url}/orders/no-such-order/cancel`, { method: 'POST' })).status).toBe(404);
    expect((await testFetch(`${ordersApi.url}/orders/%7B%22%24gt%22%3A%22%22%7D/cancel`, { method: 'POST' })).status).toBe(400);
  });

  it('sends no HTTP request from one service to another: only the registry and the payment gateway are called', () => {
    const registry = new URL(inject('backbone').registryUrl);
    const allowed = [registry.host, new URL(gatewayUrl).host];
    expect(outbound.length).toBeGreaterThan(0);
    const elsewhere = outbound.filter((url) => !allowed.includes(new URL(url).host));
    expect(elsewhere).toEqual([]);
    expect(outbound.some((url) => new URL(url).host === new URL(gatewayUrl).host)).toBe(true);
  });
});
