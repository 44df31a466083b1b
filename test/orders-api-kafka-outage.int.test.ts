import { ensureTopics, eventTopic } from '@tributary/kafka';
import { loadOrdersApiSettings } from '@tributary/orders-api/settings';
import { startOrdersApi, type OrdersApi } from '@tributary/orders-api';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEnvironment, testKafka, testLogger, uniqueName } from './support.ts';

/**
 * Kafka not taking orders, on the real broker: the orders topic is deleted under a running
 * orders-api, whose sends then fail with a retriable error that kafkajs retries for about ten
 * seconds, as it does while brokers are unreachable. (A TCP proxy cannot stand in for the broker:
 * clients bootstrap through it, then connect straight to the address the broker advertises.)
 */
const names = { ordersTopic: uniqueName('kafka-outage'), database: uniqueName('kafka-outage') };
const publishTimeoutMs = 2_000;
const order = { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 1, unitPrice: '1.00' }] };

let api: OrdersApi;
let admin: Admin;

const placeOrder = () => fetch(`${api.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order), signal: AbortSignal.timeout(30_000) });

beforeAll(async () => {
  api = await startOrdersApi(loadOrdersApiSettings(serviceEnvironment(names, { COMMAND_RATE_LIMIT: '0', PUBLISH_TIMEOUT_MS: String(publishTimeoutMs), TOPIC_PARTITIONS: '1' })), testLogger('orders-api'));
  admin = testKafka().admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.deleteTopics({ topics: [names.ordersTopic] }).catch(() => undefined);
  await admin?.disconnect();
  await api?.stop();
});

describe('orders-api while Kafka does not take its writes', { timeout: 90_000 }, () => {
  it('answers 503 KAFKA_UNAVAILABLE within the publish timeout, naming the order, and accepts orders again once Kafka does', async () => {
    expect((await placeOrder()).status).toBe(202);

    await admin.deleteTopics({ topics: [names.ordersTopic] });
    const started = Date.now();
    const refused = await placeOrder();
    const tookMs = Date.now() - started;
    const body = (await refused.json()) as { error: { code: string; details?: { orderId?: string } } };
    expect(refused.status).toBe(503);
    expect(body.error.code).toBe('KAFKA_UNAVAILABLE');
    expect(body.error.details?.orderId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(tookMs).toBeLessThan(publishTimeoutMs + 1_000);

    await ensureTopics(testKafka(), [eventTopic(names.ordersTopic, 1, 1)]);
    const deadline = Date.now() + 45_000;
    let status = 0;
    while (Date.now() < deadline && status !== 202) status = (await placeOrder()).status;
    expect(status).toBe(202);
  });
});
