// The Grafana dashboard (infra/compose/grafana/dashboards/tributary.json) queries only metrics the
// services really export: the names from `node infra/scripts/build-dashboard.mjs --metrics`
// compared with the /metrics of the services of the order flow running on the backbone.
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startInventoryService } from '@tributary/inventory-service';
import { loadInventoryServiceSettings } from '@tributary/inventory-service/settings';
import { startOrderProjector, type OrderProjector } from '@tributary/order-projector';
import { loadOrderProjectorSettings } from '@tributary/order-projector/settings';
import { startOrdersApi, type OrdersApi } from '@tributary/orders-api';
import { loadOrdersApiSettings } from '@tributary/orders-api/settings';
import { startOrdersService } from '@tributary/orders-service';
import { loadOrdersServiceSettings } from '@tributary/orders-service/settings';
import { startPaymentsService } from '@tributary/payments-service';
import { loadPaymentsServiceSettings } from '@tributary/payments-service/settings';
import { startQueryApi, type QueryApi } from '@tributary/query-api';
import { loadQueryApiSettings } from '@tributary/query-api/settings';
import type { RunningService } from '@tributary/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, serviceEnvironment, testLogger, uniqueName } from './support.ts';

/**
 * Names no Tributary service exports, by design: `up` is Prometheus's own per-target series, and
 * `kafka_*` (the dashboard uses `kafka_consumergroup_lag`) comes from the kafka-exporter container
 * of the compose stack. Everything else, prom-client's `process_*`/`nodejs_*` defaults included,
 * must be on a service's /metrics.
 */
const notFromServices = (name: string) => name === 'up' || name.startsWith('kafka_');

const names = { ordersTopic: uniqueName('dashboard'), database: uniqueName('dashboard'), groupId: uniqueName('dashboard-projector') };
// No gateway is needed: the breaker's series exist from the start, and nothing here is paid for.
const env = serviceEnvironment(names, { PAYMENT_GATEWAY_URL: 'http://127.0.0.1:9' });

let ordersApi: OrdersApi;
let projector: OrderProjector;
let queryApi: QueryApi;
let projectorUrl: string;
const saga: { name: string; service: RunningService & { url: string } }[] = [];

const dashboardMetrics = (): { ours: string[]; external: string[] } => {
  const script = fileURLToPath(new URL('../infra/scripts/build-dashboard.mjs', import.meta.url));
  return JSON.parse(execFileSync(process.execPath, [script, '--metrics'], { encoding: 'utf8' })) as { ours: string[]; external: string[] };
};

/**
 * Metric names on a /metrics page: those declared by `# TYPE` and those with samples, a histogram's
 * `_bucket`/`_sum`/`_count` and a summary's `_sum`/`_count` series counted under its own name.
 */
const exportedNames = (page: string): Set<string> => {
  const found = new Set<string>();
  const histograms = new Set<string>();
  for (const line of page.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      found.add(type[1]!);
      if (type[2] === 'histogram' || type[2] === 'summary') histograms.add(type[1]!);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (!sample) continue;
    const name = sample[1]!;
    const base = name.replace(/_(bucket|sum|count)$/, '');
    found.add(histograms.has(base) ? base : name);
  }
  return found;
};

const scrape = async (url: string): Promise<Set<string>> => {
  const res = await fetch(`${url}/metrics`);
  expect(res.status, `${url}/metrics`).toBe(200);
  return exportedNames(await res.text());
};

beforeAll(async () => {
  ordersApi = await startOrdersApi(loadOrdersApiSettings(env), testLogger('orders-api'));
  const projectorSettings = loadOrderProjectorSettings(env);
  projector = await startOrderProjector(projectorSettings, testLogger('order-projector'));
  projectorUrl = `http://${projectorSettings.host}:${(projector.server.address() as AddressInfo).port}`;
  queryApi = await startQueryApi(loadQueryApiSettings(env), testLogger('query-api'));
  saga.push({ name: 'inventory-service', service: await startInventoryService(loadInventoryServiceSettings(env), testLogger('inventory-service')) });
  saga.push({ name: 'payments-service', service: await startPaymentsService(loadPaymentsServiceSettings(env), testLogger('payments-service')) });
  saga.push({ name: 'orders-service', service: await startOrdersService(loadOrdersServiceSettings(env), testLogger('orders-service')) });
});

afterAll(async () => {
  for (const { service } of saga.reverse()) await service.stop();
  await queryApi?.stop();
  await projector?.stop();
  await ordersApi?.stop();
});

describe('the Grafana dashboard', () => {
  it('queries only metric names that the services export, or that kafka-exporter and Prometheus provide', async () => {
    const { ours, external } = dashboardMetrics();
    const queried = [...ours, ...external];
    expect(ours.length, 'build-dashboard.mjs --metrics found no metric names').toBeGreaterThan(0);

    // Some traffic first, so the request, acceptance and consumer series have samples too.
    const placed = await fetch(`${ordersApi.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'customer-1', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 1, unitPrice: '1.00' }] }),
    });
    expect(placed.status).toBe(202);
    const { orderId } = (await placed.json()) as { orderId: string };
    await eventually(async () => ((await fetch(`${queryApi.url}/orders/${orderId}`)).status === 200 ? true : undefined), { timeoutMs: 30_000 });

    const services = {
      'orders-api': ordersApi.url,
      'order-projector': projectorUrl,
      'query-api': queryApi.url,
      ...Object.fromEntries(saga.map(({ name, service }) => [name, service.url])),
    };
    const exported = new Map<string, Set<string>>();
    for (const [service, url] of Object.entries(services)) exported.set(service, await scrape(url));

    const exportedBy = (name: string) => [...exported].filter(([, found]) => found.has(name)).map(([service]) => service);
    const missing = queried.filter((name) => !notFromServices(name) && exportedBy(name).length === 0);
    expect(missing, `the dashboard queries metrics no service exports on /metrics: ${missing.join(', ')}`).toEqual([]);

    // The names left to others are only those, and they are indeed not the services' own.
    const others = queried.filter(notFromServices);
    expect(others.sort()).toEqual(['kafka_consumergroup_lag', 'up']);
    for (const name of others) expect(exportedBy(name), `${name} is expected from outside the services`).toEqual([]);

    // Where each comes from, for the record.
    const source = (name: string) => (name === 'up' ? 'Prometheus' : name.startsWith('kafka_') ? 'kafka-exporter' : exportedBy(name).join(', '));
    console.log(queried.map((name) => `${name}: ${source(name)}`).join('\n'));
  });

  it('finds each service-specific series on the service that owns it', async () => {
    const orders = await scrape(ordersApi.url);
    const projected = await scrape(projectorUrl);
    const queries = await scrape(queryApi.url);
    expect(orders.has('orders_accepted_total'), 'orders-api exports orders_accepted_total').toBe(true);
    for (const name of ['projector_events_applied_total', 'consumer_records_processed_total', 'consumer_lag', 'consumer_processing_latency_seconds']) {
      expect(projected.has(name), `order-projector exports ${name}`).toBe(true);
    }
    for (const [service, found] of Object.entries({ 'orders-api': orders, 'query-api': queries })) {
      for (const name of ['http_requests_total', 'http_request_duration_seconds']) expect(found.has(name), `${service} exports ${name}`).toBe(true);
    }
  });
});
