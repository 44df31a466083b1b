import { startInventoryService } from '@tributary/inventory-service';
import { loadInventoryServiceSettings } from '@tributary/inventory-service/settings';
import { startOrdersApi } from '@tributary/orders-api';
import { loadOrdersApiSettings } from '@tributary/orders-api/settings';
import { startPaymentGateway } from '@tributary/payment-gateway';
import { loadPaymentGatewaySettings } from '@tributary/payment-gateway/settings';
import { startQueryApi } from '@tributary/query-api';
import { loadQueryApiSettings } from '@tributary/query-api/settings';
import type { RunningService } from '@tributary/service';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEnvironment, testKafka, testLogger, uniqueName } from './support.ts';

/**
 * Every HTTP endpoint of the platform, fed what careless or hostile clients send. Each answer must
 * be a 4xx with a JSON error a client can act on: never a 5xx, never a stack trace, and nothing
 * produced to Kafka.
 */
const names = { ordersTopic: uniqueName('badinput'), database: uniqueName('badinput') };
const env = serviceEnvironment(names, { COMMAND_RATE_LIMIT: '0' });
const topics = [names.ordersTopic, `${names.ordersTopic}-inventory`, `${names.ordersTopic}-payments`];

const running: RunningService[] = [];
const urls = { orders: '', queries: '', inventory: '', gateway: '' };
let admin: Admin;

interface Probe {
  name: string;
  service: keyof typeof urls;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** A raw body, sent as is. */
  body?: string;
  headers?: Record<string, string>;
  status?: number;
}

const json = (value: unknown) => JSON.stringify(value);
const validOrder = { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 1, unitPrice: '1.00' }] };
const withItem = (item: Record<string, unknown>) => json({ ...validOrder, items: [{ ...validOrder.items[0], ...item }] });
const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const operator = { $gt: '' };
const operatorInPath = encodeURIComponent(json(operator));

const probes: Probe[] = [
  // POST /orders: the body.
  { name: 'malformed JSON', service: 'orders', method: 'POST', path: '/orders', body: '{"customerId": "c-1",' },
  { name: 'JSON that is not an object', service: 'orders', method: 'POST', path: '/orders', body: '[1,2,3]' },
  { name: 'a bare string', service: 'orders', method: 'POST', path: '/orders', body: '"order"' },
  { name: 'null', service: 'orders', method: 'POST', path: '/orders', body: 'null' },
  { name: 'empty body', service: 'orders', method: 'POST', path: '/orders', body: '' },
  { name: 'not JSON at all (text/plain)', service: 'orders', method: 'POST', path: '/orders', body: 'customerId=c-1', headers: { 'content-type': 'text/plain' } },
  { name: 'missing fields', service: 'orders', method: 'POST', path: '/orders', body: json({ customerId: 'c-1' }) },
  { name: 'an extra field', service: 'orders', method: 'POST', path: '/orders', body: json({ ...validOrder, admin: true }) },
  { name: 'an extra field in a line', service: 'orders', method: 'POST', path: '/orders', body: withItem({ discount: '100%' }) },
  { name: 'wrong types', service: 'orders', method: 'POST', path: '/orders', body: json({ customerId: 42, currency: ['EUR'], items: 'SKU-1' }) },
  { name: 'quantity as a string', service: 'orders', method: 'POST', path: '/orders', body: withItem({ quantity: '2' }) },
  { name: 'negative quantity', service: 'orders', method: 'POST', path: '/orders', body: withItem({ quantity: -1 }) },
  { name: 'zero quantity', service: 'orders', method: 'POST', path: '/orders', body: withItem({ quantity: 0 }) },
  { name: 'fractional quantity', service: 'orders', method: 'POST', path: '/orders', body: withItem({ quantity: 1.5 }) },
  { name: 'enormous quantity', service: 'orders', method: 'POST', path: '/orders', body: withItem({ quantity: 1 }).replace('"quantity":1', '"quantity":9007199254740993') },
  { name: 'quantity overflowing to Infinity', service: 'orders', method: 'POST', path: '/orders', body: withItem({ quantity: 1 }).replace('"quantity":1', '"quantity":1e400') },
  { name: 'negative price', service: 'orders', method: 'POST', path: '/orders', body: withItem({ unitPrice: '-1.00' }) },
  { name: 'enormous price', service: 'orders', method: 'POST', path: '/orders', body: withItem({ unitPrice: '1'.repeat(40) }) },
  { name: 'price with too many decimals', service: 'orders', method: 'POST', path: '/orders', body: withItem({ unitPrice: '0.00001' }) },
  { name: 'price that is not a number', service: 'orders', method: 'POST', path: '/orders', body: withItem({ unitPrice: 'NaN' }) },
  { name: 'a MongoDB operator as customer id', service: 'orders', method: 'POST', path: '/orders', body: json({ ...validOrder, customerId: operator }) },
  { name: 'a MongoDB operator as sku', service: 'orders', method: 'POST', path: '/orders', body: withItem({ sku: { $ne: null } }) },
  { name: 'an operator-looking string as customer id', service: 'orders', method: 'POST', path: '/orders', body: json({ ...validOrder, customerId: '$where' }) },
  { name: 'prototype pollution', service: 'orders', method: 'POST', path: '/orders', body: '{"__proto__":{"admin":true},"customerId":"c-1","currency":"EUR","items":[{"sku":"SKU-1","quantity":1,"unitPrice":"1"}]}' },
  { name: 'deep nesting', service: 'orders', method: 'POST', path: '/orders', body: deep(5_000) },
  { name: 'a huge body', service: 'orders', method: 'POST', path: '/orders', body: json({ ...validOrder, customerId: 'x'.repeat(200_000) }), status: 413 },
  { name: 'too many lines', service: 'orders', method: 'POST', path: '/orders', body: json({ ...validOrder, items: Array.from({ length: 101 }, () => validOrder.items[0]) }) },
  { name: 'no lines', service: 'orders', method: 'POST', path: '/orders', body: json({ ...validOrder, items: [] }) },
  { name: 'a lower-case currency', service: 'orders', method: 'POST', path: '/orders', body: json({ ...validOrder, currency: 'eur' }) },
  { name: 'NUL in an id', service: 'orders', method: 'POST', path: '/orders', body: json({ ...validOrder, customerId: 'c\u00001' }) },
  { name: 'a right-to-left override in an id', service: 'orders', method: 'POST', path: '/orders', body: json({ ...validOrder, customerId: 'c-\u202e1' }) },
  { name: 'emoji in an id', service: 'orders', method: 'POST', path: '/orders', body: json({ ...validOrder, customerId: 'c-\u{1F600}' }) },
  { name: 'a lone surrogate in an id', service: 'orders', method: 'POST', path: '/orders', body: '{"customerId":"c-\\ud800","currency":"EUR","items":[{"sku":"SKU-1","quantity":1,"unitPrice":"1"}]}' },
  { name: 'an unknown channel', service: 'orders', method: 'POST', path: '/orders', body: json({ ...validOrder, channel: 'FAX' }) },
  { name: 'a bad charset', service: 'orders', method: 'POST', path: '/orders', body: json(validOrder), headers: { 'content-type': 'application/json; charset=ebcdic' } },
  // POST /orders/:id/cancel.
  { name: 'cancel: an operator as order id', service: 'orders', method: 'POST', path: `/orders/${operatorInPath}/cancel` },
  { name: 'cancel: a path that is not percent-encoded correctly', service: 'orders', method: 'POST', path: '/orders/%E0%A4%A/cancel' },
  { name: 'cancel: an extra field', service: 'orders', method: 'POST', path: '/orders/o-1/cancel', body: json({ reason: 'x', force: true }) },
  { name: 'cancel: reason of the wrong type', service: 'orders', method: 'POST', path: '/orders/o-1/cancel', body: json({ reason: { $gt: '' } }) },
  { name: 'cancel: a reason too long', service: 'orders', method: 'POST', path: '/orders/o-1/cancel', body: json({ reason: 'r'.repeat(501) }) },
  { name: 'cancel: malformed JSON', service: 'orders', method: 'POST', path: '/orders/o-1/cancel', body: '{"reason":' },
  { name: 'cancel: an unknown order', service: 'orders', method: 'POST', path: '/orders/no-such-order/cancel', status: 404 },
  { name: 'a method the path does not take', service: 'orders', method: 'DELETE', path: '/orders', status: 405 },
  { name: 'an unknown route', service: 'orders', method: 'GET', path: '/no-such-route', status: 404 },
  // query-api.
  { name: 'order: an operator as id', service: 'queries', method: 'GET', path: `/orders/${operatorInPath}` },
  { name: 'order: an id too long', service: 'queries', method: 'GET', path: `/orders/${'o'.repeat(129)}` },
  { name: 'order: an unknown id', service: 'queries', method: 'GET', path: '/orders/no-such-order', status: 404 },
  { name: 'order: a query parameter it does not take', service: 'queries', method: 'GET', path: '/orders/o-1?debug=1' },
  { name: 'list: no status', service: 'queries', method: 'GET', path: '/orders' },
  { name: 'list: an unknown status', service: 'queries', method: 'GET', path: '/orders?status=SHIPPED' },
  { name: 'list: an operator in brackets', service: 'queries', method: 'GET', path: '/orders?status[$gt]=' },
  { name: 'list: an operator as JSON', service: 'queries', method: 'GET', path: `/orders?status=${operatorInPath}` },
  { name: 'list: a repeated parameter', service: 'queries', method: 'GET', path: '/orders?status=CONFIRMED&status=REJECTED' },
  { name: 'list: a negative limit', service: 'queries', method: 'GET', path: '/orders?status=CONFIRMED&limit=-1' },
  { name: 'list: an enormous limit', service: 'queries', method: 'GET', path: '/orders?status=CONFIRMED&limit=1e9' },
  { name: 'list: a forged cursor', service: 'queries', method: 'GET', path: `/orders?status=CONFIRMED&cursor=${Buffer.from(json({ $gt: '' })).toString('base64url')}` },
  { name: 'customer: an operator as id', service: 'queries', method: 'GET', path: `/customers/${operatorInPath}` },
  { name: 'customer orders: an operator as id', service: 'queries', method: 'GET', path: `/customers/${operatorInPath}/orders` },
  { name: 'customer orders: a proto key', service: 'queries', method: 'GET', path: '/customers/c-1/orders?__proto__[x]=1' },
  { name: 'customer: unknown', service: 'queries', method: 'GET', path: '/customers/nobody', status: 404 },
  // inventory-service's admin endpoint.
  { name: 'stock: negative', service: 'inventory', method: 'PUT', path: '/stock/SKU-1', body: json({ quantity: -5 }) },
  { name: 'stock: fractional', service: 'inventory', method: 'PUT', path: '/stock/SKU-1', body: json({ quantity: 2.5 }) },
  { name: 'stock: enormous', service: 'inventory', method: 'PUT', path: '/stock/SKU-1', body: json({ quantity: 1e12 }) },
  { name: 'stock: a string', service: 'inventory', method: 'PUT', path: '/stock/SKU-1', body: json({ quantity: '5' }) },
  { name: 'stock: an operator', service: 'inventory', method: 'PUT', path: '/stock/SKU-1', body: json({ quantity: { $inc: 5 } }) },
  { name: 'stock: an operator as sku', service: 'inventory', method: 'PUT', path: `/stock/${operatorInPath}`, body: json({ quantity: 5 }) },
  { name: 'stock: malformed JSON', service: 'inventory', method: 'PUT', path: '/stock/SKU-1', body: '{"quantity":' },
  { name: 'stock: an extra field', service: 'inventory', method: 'PUT', path: '/stock/SKU-1', body: json({ quantity: 5, available: 10 }) },
  { name: 'stock: an operator as sku to read', service: 'inventory', method: 'GET', path: `/stock/${operatorInPath}` },
  // The payment gateway simulator.
  { name: 'gateway: no idempotency key', service: 'gateway', method: 'POST', path: '/payments', body: json({ orderId: 'o-1', amount: '1.00', currency: 'EUR' }) },
  { name: 'gateway: a negative amount', service: 'gateway', method: 'POST', path: '/payments', body: json({ orderId: 'o-1', amount: '-1', currency: 'EUR' }), headers: { 'idempotency-key': 'k-1' } },
  { name: 'gateway: a failure rate above 1', service: 'gateway', method: 'PUT', path: '/admin/behaviour', body: json({ failureRate: 7 }) },
  { name: 'gateway: a negative latency', service: 'gateway', method: 'PUT', path: '/admin/behaviour', body: json({ latencyMs: -1 }) },
];

const endOffsets = async (): Promise<string> => {
  // Right after the services create their topics, the broker may still be moving partition leaders.
  for (let attempt = 1; ; attempt += 1) {
    try {
      const all = await Promise.all(topics.map(async (topic) => (await admin.fetchTopicOffsets(topic)).map((p) => `${topic}:${p.partition}:${p.high}`)));
      return all.flat().sort().join(',');
    } catch (error) {
      if (attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
};

beforeAll(async () => {
  const gateway = await startPaymentGateway(loadPaymentGatewaySettings(env), testLogger('payment-gateway'));
  running.push(gateway);
  urls.gateway = gateway.url;
  const inventory = await startInventoryService(loadInventoryServiceSettings(env), testLogger('inventory-service'));
  running.push(inventory);
  urls.inventory = inventory.url;
  const orders = await startOrdersApi(loadOrdersApiSettings(env), testLogger('orders-api'));
  running.push(orders);
  urls.orders = orders.url;
  const queries = await startQueryApi(loadQueryApiSettings(env), testLogger('query-api'));
  running.push(queries);
  urls.queries = queries.url;
  admin = testKafka().admin();
  await admin.connect();
  // The topics the services would produce to, so "nothing produced" compares real end offsets.
  await admin.createTopics({ topics: topics.filter((t) => t !== names.ordersTopic && t !== `${names.ordersTopic}-inventory`).map((topic) => ({ topic, numPartitions: 6 })) }).catch(() => undefined);
});

afterAll(async () => {
  await admin?.disconnect();
  for (const service of running.reverse()) await service.stop();
});

describe('bad input over HTTP', () => {
  it('answers every bad request with a 4xx JSON error a client can act on, never a 5xx or a stack trace, and produces nothing', async () => {
    const before = await endOffsets();
    const failures: string[] = [];
    for (const probe of probes) {
      const headers: Record<string, string> = { ...(probe.body === undefined ? {} : { 'content-type': 'application/json' }), ...probe.headers };
      const res = await fetch(`${urls[probe.service]}${probe.path}`, { method: probe.method, headers, ...(probe.body === undefined ? {} : { body: probe.body }) });
      const text = await res.text();
      const problems: string[] = [];
      const expected = probe.status ?? 400;
      if (res.status !== expected) problems.push(`status ${res.status}, expected ${expected}`);
      if (!(res.headers.get('content-type') ?? '').startsWith('application/json')) problems.push(`content-type ${res.headers.get('content-type')}`);
      let body: { error?: { code?: unknown; message?: unknown } } = {};
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        problems.push('body is not JSON');
      }
      if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string' || body.error.message.length < 10) problems.push('no error code and message');
      if (/\n\s+at |node_modules|\.ts:\d+/.test(text)) problems.push('a stack trace leaks');
      if (problems.length > 0) failures.push(`${probe.name} (${probe.method} ${probe.path.slice(0, 60)}): ${problems.join('; ')}: ${text.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
    expect(await endOffsets()).toBe(before);
  });

  it('names the offending field in validation errors', async () => {
    const res = await fetch(`${urls.orders}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: withItem({ quantity: -1 }) });
    const body = (await res.json()) as { error: { code: string; details: { fields: { field: string; message: string }[] } } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.fields).toEqual([{ field: 'items[0].quantity', message: 'quantity must be at least 1' }]);
  });
});
