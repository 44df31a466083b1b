import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { createLogger } from '@tributary/logger';
import { createMetricsRegistry } from '@tributary/metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, createHttpApp, listen } from './app.ts';
import { commandRateLimit, type CommandRateLimit } from './protection.ts';

const servers: Server[] = [];

const serve = async (options: { corsOrigins?: string[]; limit?: number; limiter?: CommandRateLimit } = {}): Promise<string> => {
  const limiter = options.limiter ?? commandRateLimit({ limit: options.limit ?? 0, windowMs: 60_000 });
  const app = createHttpApp({
    logger: createLogger({ service: 'test', stream: new PassThrough() }),
    metrics: createMetricsRegistry('test'),
    readiness: {},
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
    routes(router) {
      router.post('/commands', limiter.handler, (_req, res) => {
        res.status(202).json({ ok: true });
      });
      router.get('/things', (_req, res) => {
        res.json([]);
      });
    },
  });
  const server = await listen(app, 0, '127.0.0.1');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => closeServer(server)));
});

describe('HTTP protection', () => {
  it('sends security headers on every answer', async () => {
    const res = await fetch(`${await serve()}/things`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('keeps CORS closed by default: no allow-origin header, preflights are not approved', async () => {
    const url = await serve();
    const res = await fetch(`${url}/things`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${url}/commands`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the listed origins', async () => {
    const url = await serve({ corsOrigins: ['https://shop.example'] });
    expect((await fetch(`${url}/things`, { headers: { origin: 'https://shop.example' } })).headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect((await fetch(`${url}/things`, { headers: { origin: 'https://evil.example' } })).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers commands past the rate limit with 429 and a JSON error', async () => {
    const url = await serve({ limit: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await fetch(`${url}/commands`, { method: 'POST' })).status);
    expect(statuses).toEqual([202, 202, 429]);
    const limited = await fetch(`${url}/commands`, { method: 'POST' });
    expect(await limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(limited.headers.get('retry-after')).not.toBeNull();
    // Reads are not limited.
    expect((await fetch(`${url}/things`)).status).toBe(200);
  });

  it('takes a new limit at run time', async () => {
    const limiter = commandRateLimit({ limit: 0, windowMs: 60_000 });
    const url = await serve({ limiter });
    const post = async () => (await fetch(`${url}/commands`, { method: 'POST' })).status;
    expect([await post(), await post(), await post()]).toEqual([202, 202, 202]);
    limiter.reconfigure({ limit: 1, windowMs: 60_000 });
    expect([await post(), await post()]).toEqual([202, 429]);
    limiter.reconfigure({ limit: 0, windowMs: 60_000 });
    expect(await post()).toBe(202);
  });

  it('shows each readiness check as a metric, sampled at the scrape', async () => {
    let storeUp = true;
    const app = createHttpApp({ logger: createLogger({ service: 'test', stream: new PassThrough() }), metrics: createMetricsRegistry('test'), readiness: { store: () => storeUp }, routes: () => undefined, readinessDetails: () => ({ settings: { version: 'v1' } }) });
    const server = await listen(app, 0, '127.0.0.1');
    servers.push(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const page = async () => (await fetch(`${url}/metrics`)).text();
    expect(await page()).toMatch(/^service_ready\{service="test"\} 1$/m);
    storeUp = false;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const text = await page();
    expect(text).toMatch(/^service_ready\{service="test"\} 0$/m);
    expect(text).toMatch(/^service_readiness_check\{check="store",service="test"\} 0$/m);
    expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ status: 'not ready', settings: { version: 'v1' } });
  });
});
