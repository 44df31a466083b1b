import { setTimeout as sleep } from 'node:timers/promises';
import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { runCli } from '@tributary/cli';
import { commands } from '@tributary/cli/commands';
import { createEventProducer, ensureTopics, eventTopic, type EventProducer, type OutgoingEvent } from '@tributary/kafka';
import { startOrderProjector, type OrderProjector } from '@tributary/order-projector';
import { loadOrderProjectorSettings } from '@tributary/order-projector/settings';
import { startOrdersApi, type OrdersApi } from '@tributary/orders-api';
import { loadOrdersApiSettings } from '@tributary/orders-api/settings';
import { startQueryApi, type QueryApi } from '@tributary/query-api';
import { loadQueryApiSettings } from '@tributary/query-api/settings';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, runTributary, serviceEnvironment, testKafka, testLogger, uniqueName } from './support.ts';

/*
 * Orders placed while no saga runs: orders-api takes them and the projector shows them, but
 * nothing ever decides them, so they stay open. Beside them, orders written straight to the
 * topics: one stopped at a failed payment, and one the deadline already rejected.
 */
const names = { ordersTopic: uniqueName('cli-orders'), database: uniqueName('cli-orders'), groupId: uniqueName('cli-orders-projector') };
const env = serviceEnvironment(names);

let ordersApi: OrdersApi;
let projector: OrderProjector;
let queryApi: QueryApi;
let producer: EventProducer;
let stuckId: string;

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

const placed = (orderId: string, placedAt: Date): OutgoingEvent => ({
  key: orderId,
  eventType: 'OrderPlaced',
  payload: { orderId, customerId: 'customer-t', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 1, unitPrice: '5' }], placedAt, channel: 'WEB', promoCode: null },
});

const orders = (...args: string[]) => runTributary('orders', 'open', '--query-url', queryApi.url, ...args);

interface Row {
  orderId: string;
  status: string;
  customerId: string | null;
  placedAt: string | null;
  ageSeconds: number | null;
  lastStep: string | null;
  lastStepAt: string | null;
  reason: string | null;
}

beforeAll(async () => {
  await ensureTopics(testKafka(), [eventTopic(names.ordersTopic, 3, 1), eventTopic(env.INVENTORY_TOPIC, 3, 1), eventTopic(env.PAYMENTS_TOPIC, 3, 1)]);
  ordersApi = await startOrdersApi(loadOrdersApiSettings(env), testLogger('orders-api'));
  projector = await startOrderProjector(loadOrderProjectorSettings(env), testLogger('order-projector'));
  queryApi = await startQueryApi(loadQueryApiSettings(env), testLogger('query-api'));
  producer = createEventProducer({ kafka: testKafka(), codec: createAvroCodec({ registryUrl: inject('backbone').registryUrl, catalog: loadSchemaCatalog() }), producerName: 'cli-orders-test' });
  await producer.connect();

  const answer = await fetch(`${ordersApi.url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customerId: 'customer-s', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 2, unitPrice: '3.50' }] }),
  });
  expect(answer.status).toBe(202);
  stuckId = ((await answer.json()) as { orderId: string }).orderId;

  await producer.publish(names.ordersTopic, [
    placed('failed-payment', minutesAgo(3)),
    placed('deadline-rejected', minutesAgo(2)),
    { key: 'deadline-rejected', eventType: 'OrderRejected', payload: { orderId: 'deadline-rejected', customerId: 'customer-t', reason: 'DEADLINE_EXCEEDED', detail: 'no outcome by the deadline', rejectedAt: minutesAgo(1) } },
  ]);
  await producer.publish(env.INVENTORY_TOPIC, [
    { key: 'failed-payment', eventType: 'StockReserved', payload: { orderId: 'failed-payment', items: [{ sku: 'SKU-1', quantity: 1 }], amount: '5', currency: 'EUR', customerId: 'customer-t', reservedAt: minutesAgo(2.9) } },
  ]);
  await producer.publish(env.PAYMENTS_TOPIC, [
    {
      key: 'failed-payment',
      eventType: 'PaymentFailed',
      payload: { orderId: 'failed-payment', errorCode: 'UPSTREAM_REJECTED', detail: 'gateway answered 400', deadLetterTopic: `${env.INVENTORY_TOPIC}.dlq`, failedAt: minutesAgo(2.8) },
    },
  ]);

  const statusOf = async (orderId: string) => {
    const res = await fetch(`${queryApi.url}/orders/${orderId}`);
    return res.status === 200 ? ((await res.json()) as { status: string }).status : undefined;
  };
  await eventually(
    async () => {
      const statuses = await Promise.all([stuckId, 'failed-payment', 'deadline-rejected'].map(statusOf));
      return statuses.join() === 'PLACED,PAYMENT_FAILED,REJECTED' ? true : undefined;
    },
    { timeoutMs: 45_000 },
  );
});

afterAll(async () => {
  await producer?.disconnect();
  await queryApi?.stop();
  await projector?.stop();
  await ordersApi?.stop();
});

describe('tributary orders open', () => {
  it('lists the orders nothing decided, with where each stopped, and not the final one', async () => {
    // The order orders-api just took must be older than the threshold first.
    await sleep(600);
    const listed = await orders('--older-than', '500ms');
    expect(listed.code, listed.err.join('\n')).toBe(0);
    const lines = listed.out[0]?.split('\n') ?? [];
    expect(lines[0]).toMatch(/^ORDER\s+STATUS\s+AGE\s+CUSTOMER\s+LAST STEP\s+REASON$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^${stuckId}\\s+PLACED\\s+\\d+s\\s+customer-s\\s+PLACED \\d+s ago\\s+-$`));
    expect(lines[2]).toMatch(/^failed-payment\s+PAYMENT_FAILED\s+3m\d\ds\s+customer-t\s+PAYMENT_FAILED \dm\d\ds ago\s+UPSTREAM_REJECTED: gateway answered 400$/);
    expect(listed.out.join('\n')).not.toContain('deadline-rejected');
    expect(listed.err).toEqual([expect.stringMatching(/^2 open orders placed more than 500ms ago, the oldest placed 3m\d\ds ago$/)]);
  });

  it('leaves out orders placed more recently than the threshold', async () => {
    const listed = await orders('--older-than', '1m', '--json');
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.out[0] ?? '[]') as Row[];
    expect(rows.map((row) => row.orderId)).toEqual(['failed-payment']);
    const [row] = rows;
    expect(row).toMatchObject({ status: 'PAYMENT_FAILED', customerId: 'customer-t', lastStep: 'PAYMENT_FAILED', reason: 'UPSTREAM_REJECTED: gateway answered 400' });
    expect(row?.ageSeconds).toBeGreaterThanOrEqual(180);
    expect(Date.parse(row?.lastStepAt ?? '')).toBeGreaterThan(Date.parse(row?.placedAt ?? ''));
  });

  it('exits 1 with --exit-code only when it lists an order', async () => {
    expect((await orders('--older-than', '1h', '--exit-code')).code).toBe(0);
    const none = await orders('--older-than', '1h');
    expect(none).toMatchObject({ code: 0, out: [], err: ['no open orders placed more than 1h ago'] });
    expect((await orders('--older-than', '500ms', '--exit-code')).code).toBe(1);
  });

  it('finds query-api through QUERY_API_URL, and names it when nothing answers there', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli({ name: 'tributary', summary: 'test', subcommands: commands }, ['orders', 'open', '--json'], {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      env: { QUERY_API_URL: queryApi.url },
    });
    expect(code, err.join('\n')).toBe(0);
    expect((JSON.parse(out[0] ?? '[]') as Row[]).map((row) => row.orderId)).toEqual([stuckId, 'failed-payment']);

    const unreachable = await runTributary('orders', 'open', '--query-url', 'http://127.0.0.1:9');
    expect(unreachable.code).toBe(1);
    expect(unreachable.err.join('\n')).toMatch(/^error \[SERVICE_UNAVAILABLE\]: Cannot reach query-api at http:\/\/127\.0\.0\.1:9 /);
  });
});
