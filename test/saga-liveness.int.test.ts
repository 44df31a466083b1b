import { setTimeout as sleep } from 'node:timers/promises';
import { readToEnd } from '@tributary/cli/read-to-end';
import { headerNames, readHeaders } from '@tributary/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFlow, type Flow } from './faults/flow.ts';
import { eventually, testKafka } from './support.ts';

/**
 * Every accepted order ends, whatever fails on the way: a refused payment rejects it at once, a
 * step that never answers rejects it at its deadline, once, across a crash of the saga, and the
 * largest and smallest orders orders-api accepts go through every step.
 */
const deadlineMs = 5_000;
let flow: Flow;

const sku = (name: string): string => `${name}-${flow.topics[0]}`;

const send = async (method: string, url: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
};

const placeOrder = async (items: { sku: string; quantity: number; unitPrice: string }[], customerId = 'customer-liveness'): Promise<string> => {
  const { status, body } = await send('POST', `${flow.url('orders-api')}/orders`, { customerId, currency: 'EUR', items });
  expect(status, JSON.stringify(body)).toBe(202);
  return body['orderId'] as string;
};

const setStock = async (name: string, quantity: number): Promise<void> => {
  expect((await send('PUT', `${flow.url('inventory-service')}/stock/${encodeURIComponent(name)}`, { quantity })).status).toBeLessThan(300);
};

const stockOf = async (name: string): Promise<number> => (await send('GET', `${flow.url('inventory-service')}/stock/${encodeURIComponent(name)}`)).body['available'] as number;

const finalView = (orderId: string, timeoutMs: number) =>
  eventually(
    async () => {
      const { status, body } = await send('GET', `${flow.url('query-api')}/orders/${orderId}`);
      return status === 200 && ['CONFIRMED', 'REJECTED', 'CANCELLED'].includes(body['status'] as string) ? body : undefined;
    },
    { timeoutMs, intervalMs: 200 },
  );

/** How many records of each order id carry the event type, on the whole topic. */
const countOnTopic = async (topic: string, eventType: string): Promise<Map<string, number>> => {
  const counts = new Map<string, number>();
  for (const { message } of await readToEnd(testKafka(), [topic])) {
    if (readHeaders(message.headers)[headerNames.eventType] !== eventType) continue;
    const key = message.key?.toString() ?? '';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
};

/** A metric's value summed over its label sets (every series carries at least the service label). */
const metric = async (url: string, name: string): Promise<number> =>
  (await (await fetch(`${url}/metrics`)).text())
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);

beforeAll(async () => {
  flow = await startFlow('liveness', { env: { ORDER_DEADLINE_MS: String(deadlineMs), ORDER_DEADLINE_SWEEP_MS: '250' } });
  // One order through every step first: each service registers or fetches its schemas, so the
  // short deadline below measures the saga, not a cold start on a busy machine.
  await setStock(sku('warm-up'), 1);
  await finalView(await placeOrder([{ sku: sku('warm-up'), quantity: 1, unitPrice: '1.00' }]), 60_000);
}, 180_000);

afterAll(async () => {
  await flow?.stop();
});

describe('every accepted order ends', () => {
  it('confirms an order with a zero total without charging it', async () => {
    await setStock(sku('free'), 5);
    const orderId = await placeOrder([{ sku: sku('free'), quantity: 1, unitPrice: '0' }]);
    expect(await finalView(orderId, deadlineMs + 5_000)).toMatchObject({ status: 'CONFIRMED', total: '0' });
    expect(await stockOf(sku('free'))).toBe(4);
  });

  it('rejects an order at once when the gateway refuses its payment, and releases its stock', async () => {
    await setStock(sku('refused'), 5);
    expect((await send('PUT', `${flow.gatewayUrl}/admin/behaviour`, { rejectRate: 1 })).status).toBe(200);
    try {
      const orderId = await placeOrder([{ sku: sku('refused'), quantity: 2, unitPrice: '3.50' }]);
      const view = await finalView(orderId, deadlineMs);
      expect(view).toMatchObject({ status: 'REJECTED' });
      expect(String(view['reason'])).toMatch(/payment failed \(UPSTREAM_REJECTED\)/);
    } finally {
      await send('PUT', `${flow.gatewayUrl}/admin/behaviour`, { rejectRate: 0 });
    }
    await eventually(async () => ((await stockOf(sku('refused'))) === 5 ? true : undefined));
  });

  it('rejects orders whose payment never comes at their deadline, exactly once across a SIGKILL of the saga, and counts a payment that comes later', async () => {
    await setStock(sku('late'), 10);
    await flow.kill('payments-service');
    const orderIds = [];
    for (let n = 0; n < 3; n += 1) orderIds.push(await placeOrder([{ sku: sku('late'), quantity: 1, unitPrice: '2.00' }]));
    // Reserved, then waiting on a payment that cannot come; the saga dies while the clocks run.
    await eventually(async () => ((await stockOf(sku('late'))) === 7 ? true : undefined));
    await flow.kill('orders-service');
    await sleep(deadlineMs);
    await flow.start('orders-service');
    for (const orderId of orderIds) {
      const view = await finalView(orderId, deadlineMs + 15_000);
      expect(view).toMatchObject({ status: 'REJECTED' });
      expect(String(view['reason'])).toMatch(/no outcome by the deadline/);
    }
    await eventually(async () => ((await stockOf(sku('late'))) === 10 ? true : undefined));
    const rejections = await countOnTopic(flow.topics[0] as string, 'OrderRejected');
    expect(orderIds.map((orderId) => rejections.get(orderId))).toEqual([1, 1, 1]);

    await flow.start('payments-service');
    await eventually(async () => ((await metric(flow.url('orders-service'), 'saga_late_payments_total')) >= 3 ? true : undefined), { timeoutMs: 30_000 });
    for (const orderId of orderIds) expect(await finalView(orderId, 1_000)).toMatchObject({ status: 'REJECTED' });
    expect(await metric(flow.url('orders-service'), 'saga_open_orders')).toBe(0);
  }, 90_000);

  it("takes orders-api's edge values through every step to a final state", async () => {
    const longId = (prefix: string): string => `${prefix}-`.padEnd(128, 'x');
    const edges: { sku: string; quantity: number; unitPrice: string }[][] = [
      [{ sku: sku('edge-small'), quantity: 1, unitPrice: '0.0001' }],
      [{ sku: sku('edge-large'), quantity: 1, unitPrice: '999999.9999' }],
      // The largest line: the largest quantity at the largest price, a total near 10^12.
      [{ sku: sku('edge-largest'), quantity: 1_000_000, unitPrice: '999999.9999' }],
      [{ sku: sku('edge-many'), quantity: 1_000_000, unitPrice: '0.01' }],
      Array.from({ length: 100 }, (_, n) => ({ sku: `${sku('edge-line')}-${n}`, quantity: 1, unitPrice: '1' })),
      [{ sku: longId(sku('edge')).slice(0, 128), quantity: 1, unitPrice: '1' }],
    ];
    // Stock for every line, so each order reaches the payment step rather than stopping at stock.
    for (const line of edges.flat()) await setStock(line.sku, line.quantity);
    const orderIds = [];
    for (const items of edges) orderIds.push(await placeOrder(items, longId('customer')));
    for (const orderId of orderIds) expect(['CONFIRMED', 'REJECTED']).toContain((await finalView(orderId, deadlineMs + 10_000))['status']);
  }, 60_000);
});
