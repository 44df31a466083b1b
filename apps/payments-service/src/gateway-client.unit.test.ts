import { classify, type TributaryError } from '@tributary/errors';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGatewayClient, errorForFetchFailure, errorForStatus } from './gateway-client.ts';

const request = { orderId: 'o-1', amount: '19.99', currency: 'EUR' };

describe('gateway answers as errors', () => {
  it('retries the gateway\'s own failures and rate limiting', () => {
    for (const status of [500, 502, 503, 504, 429]) {
      const error = errorForStatus(status, '{"error":{"code":"UPSTREAM_FAILED","message":"down"}}');
      expect(error.code).toBe('UPSTREAM_FAILED');
      expect(classify(error)).toBe('retry');
    }
    expect(errorForStatus(503, '{"error":{"code":"UPSTREAM_FAILED","message":"down"}}').message).toBe('The payment gateway answered 503 UPSTREAM_FAILED: down');
  });

  it('dead-letters a request the gateway refuses', () => {
    for (const status of [400, 401, 404, 409, 422]) {
      const error = errorForStatus(status, 'not json');
      expect(error.code).toBe('UPSTREAM_REJECTED');
      expect(classify(error)).toBe('deadLetter');
    }
  });

  it('tells a timeout from an unreachable gateway', () => {
    const timeout = errorForFetchFailure(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 2000);
    expect(timeout.code).toBe('TIMEOUT');
    const refused = errorForFetchFailure(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }), 2000);
    expect(refused).toMatchObject({ code: 'UPSTREAM_FAILED', message: 'Cannot reach the payment gateway: ECONNREFUSED' });
    expect(classify(refused)).toBe('retry');
    expect(refused.cause).toBeInstanceOf(TypeError);
  });
});

describe('createGatewayClient', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const answering = (status: number, body: unknown) => {
    const fetch = vi.fn(() => Promise.resolve(new Response(typeof body === 'string' ? body : JSON.stringify(body), { status })));
    vi.stubGlobal('fetch', fetch);
    return fetch;
  };

  it('posts the request with its idempotency key and returns an authorization or a decline as a value', async () => {
    const fetch = answering(200, { status: 'AUTHORIZED', authorizationId: 'a-1', orderId: 'o-1' });
    const client = createGatewayClient({ baseUrl: 'http://gateway:3099', timeoutMs: 100 });
    await expect(client.authorize('o-1', request)).resolves.toEqual({ status: 'AUTHORIZED', authorizationId: 'a-1' });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://gateway:3099/payments');
    expect(init.headers).toMatchObject({ 'idempotency-key': 'o-1' });
    expect(JSON.parse(init.body as string)).toEqual(request);

    answering(200, { status: 'DECLINED', reason: 'AMOUNT_OVER_LIMIT' });
    await expect(client.authorize('o-1', request)).resolves.toEqual({ status: 'DECLINED', reason: 'AMOUNT_OVER_LIMIT' });
  });

  it('rejects with the classified error for a failed answer, and for a 2xx that is neither answer', async () => {
    const client = createGatewayClient({ baseUrl: 'http://gateway:3099/', timeoutMs: 100 });
    answering(503, { error: { code: 'UPSTREAM_FAILED', message: 'injected' } });
    await expect(client.authorize('o-1', request)).rejects.toMatchObject({ code: 'UPSTREAM_FAILED', details: { status: 503, gatewayCode: 'UPSTREAM_FAILED' } });
    answering(400, { error: { code: 'VALIDATION_FAILED', message: 'bad amount' } });
    await expect(client.authorize('o-1', request)).rejects.toMatchObject({ code: 'UPSTREAM_REJECTED' });
    answering(200, { status: 'MAYBE' });
    const odd = await client.authorize('o-1', request).catch((error: unknown) => error as TributaryError);
    expect(odd).toMatchObject({ code: 'UPSTREAM_FAILED' });
  });
});
