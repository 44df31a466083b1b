import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@tributary/logger';
import { startPaymentGateway, type PaymentGateway } from './service.ts';
import { loadPaymentGatewaySettings } from './settings.ts';

let gateway: PaymentGateway;

const pay = async (key: string, currency = 'EUR') => {
  const res = await fetch(`${gateway.url}/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ orderId: key, amount: '19.99', currency }),
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string; details?: unknown } } };
};

const changeBehaviour = async (change: unknown) => {
  const res = await fetch(`${gateway.url}/admin/behaviour`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(change) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  gateway = await startPaymentGateway(loadPaymentGatewaySettings({ PAYMENT_GATEWAY_PORT: '0', GATEWAY_LATENCY_MS: '0', GATEWAY_REFUSED_CURRENCIES: 'XTS' }), createLogger({ service: 'payment-gateway', level: 'error' }));
});

afterAll(async () => {
  await gateway?.stop();
});

/*
 * The payments service's gateway client turns any 4xx but 429 into UPSTREAM_REJECTED, which its
 * classifier dead-letters: a refusal must be such a status, never a 5xx or a 200.
 */
describe('refusals over HTTP', () => {
  it('answers a refused currency 422 UPSTREAM_REJECTED, naming the currency', async () => {
    const answer = await pay('order-xts', 'XTS');
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code: 'UPSTREAM_REJECTED', details: { reason: 'CURRENCY_REFUSED' } });
    expect(answer.body.error?.message).toContain('XTS');
    expect((await pay('order-eur')).status).toBe(200);
  });

  it('refuses every key while the reject rate is 1, set at run time, and charges none', async () => {
    expect((await changeBehaviour({ rejectRate: 1 })).body).toMatchObject({ rejectRate: 1, refusedCurrencies: ['XTS'] });
    const answer = await pay('order-refused');
    expect(answer).toMatchObject({ status: 422, body: { error: { code: 'UPSTREAM_REJECTED', details: { reason: 'REFUSED_BY_NETWORK' } } } });
    expect((await pay('order-refused')).status).toBe(422);
    expect(gateway.gateway.charge('order-refused')).toBeUndefined();
    await changeBehaviour({ rejectRate: 0 });
    expect((await pay('order-refused')).status).toBe(200);
  });

  it('refuses a behaviour change with a bad share or currency', async () => {
    expect((await changeBehaviour({ rejectRate: 2 })).status).toBe(400);
    expect((await changeBehaviour({ refusedCurrencies: ['xts'] })).status).toBe(400);
  });
});
