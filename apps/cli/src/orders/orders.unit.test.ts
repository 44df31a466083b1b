import type { OrderView } from '@tributary/order-views';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../cli.ts';
import { commands } from '../commands/index.ts';
import { formatOpenOrders, openOrderRow, openOrdersSummary } from './open-orders.ts';
import { fetchOpenOrders } from './query-api.ts';

const now = new Date('2026-05-01T10:00:00.000Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

const view = (orderId: string, overrides: Partial<OrderView> = {}): OrderView => ({
  orderId,
  status: 'PLACED',
  customerId: 'c-1',
  currency: 'EUR',
  channel: 'WEB',
  promoCode: null,
  items: [],
  total: '1',
  placedAt: ago(95),
  updatedAt: ago(95),
  timeline: [{ step: 'PLACED', at: ago(95) }],
  shortSkus: [],
  reason: null,
  ...overrides,
});

const stuckInPayment = view('o-2', {
  status: 'PAYMENT_FAILED',
  placedAt: ago(400),
  timeline: [
    { step: 'PLACED', at: ago(400) },
    { step: 'STOCK_RESERVED', at: ago(399) },
    { step: 'PAYMENT_FAILED', at: ago(398) },
  ],
  reason: 'UPSTREAM_REJECTED: gateway answered 400',
});
const notPlacedYet = view('o-3', { status: 'PAYMENT_AUTHORIZED', customerId: null, placedAt: null, timeline: [{ step: 'PAYMENT_AUTHORIZED', at: ago(10) }] });

describe('open orders as rows', () => {
  it('carry the age since placement and the latest step of the timeline', () => {
    expect(openOrderRow(stuckInPayment, now)).toEqual({
      orderId: 'o-2',
      status: 'PAYMENT_FAILED',
      customerId: 'c-1',
      placedAt: ago(400),
      ageSeconds: 400,
      lastStep: 'PAYMENT_FAILED',
      lastStepAt: ago(398),
      reason: 'UPSTREAM_REJECTED: gateway answered 400',
    });
    expect(openOrderRow(notPlacedYet, now)).toMatchObject({ ageSeconds: null, customerId: null, lastStep: 'PAYMENT_AUTHORIZED' });
  });

  it('print as a table, a dash where nothing is known', () => {
    const rows = [view('o-1'), stuckInPayment, notPlacedYet].map((order) => openOrderRow(order, now));
    expect(formatOpenOrders(rows, now)).toEqual([
      'ORDER  STATUS              AGE    CUSTOMER  LAST STEP                   REASON',
      'o-1    PLACED              1m35s  c-1       PLACED 1m35s ago            -',
      'o-2    PAYMENT_FAILED      6m40s  c-1       PAYMENT_FAILED 6m38s ago    UPSTREAM_REJECTED: gateway answered 400',
      'o-3    PAYMENT_AUTHORIZED  -      -         PAYMENT_AUTHORIZED 10s ago  -',
    ]);
  });

  it('are counted under the table, with the oldest, or a word that the list was cut short', () => {
    const rows = [view('o-1'), stuckInPayment].map((order) => openOrderRow(order, now));
    expect(openOrdersSummary(rows, { olderThan: '30s', more: false })).toBe('2 open orders placed more than 30s ago, the oldest placed 6m40s ago');
    expect(openOrdersSummary(rows, { olderThan: undefined, more: true })).toBe('more than 2 open orders: the newest 2 shown; raise --limit for the rest');
    expect(openOrdersSummary([], { olderThan: '5m', more: false })).toBe('no open orders placed more than 5m ago');
  });
});

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('asking query-api for open orders', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('follows the cursors until the end, asking for open orders placed before the time', async () => {
    const asked: URL[] = [];
    const pages = [
      { orders: [view('o-3'), view('o-2')], nextCursor: 'c1' },
      { orders: [view('o-1')], nextCursor: null },
    ];
    vi.stubGlobal('fetch', (url: string) => {
      asked.push(new URL(url));
      return Promise.resolve(answer(200, pages[asked.length - 1]));
    });
    const found = await fetchOpenOrders('http://query.example:3001/', { placedBefore: new Date(ago(30)), max: 100 });
    expect(found.orders.map((order) => order.orderId)).toEqual(['o-3', 'o-2', 'o-1']);
    expect(found.more).toBe(false);
    expect(asked.map((url) => [url.pathname, Object.fromEntries(url.searchParams)])).toEqual([
      ['/orders', { status: 'open', limit: '100', placedBefore: ago(30) }],
      // The second page asks only for what the limit leaves.
      ['/orders', { status: 'open', limit: '98', placedBefore: ago(30), cursor: 'c1' }],
    ]);
  });

  it('stops at the limit and says that more are left', async () => {
    const asked: URL[] = [];
    vi.stubGlobal('fetch', (url: string) => {
      asked.push(new URL(url));
      return Promise.resolve(answer(200, { orders: [view('o-9'), view('o-8')], nextCursor: 'c1' }));
    });
    expect(await fetchOpenOrders('http://query.example:3001', { max: 2 })).toMatchObject({ more: true });
    expect(asked.map((url) => url.searchParams.get('limit'))).toEqual(['2']);
    expect(asked[0]?.searchParams.has('placedBefore')).toBe(false);
  });

  it("passes on query-api's own error code and message", async () => {
    vi.stubGlobal('fetch', () => Promise.resolve(answer(503, { error: { code: 'READ_MODEL_MISSING', message: 'The order-views read model is missing' } })));
    await expect(fetchOpenOrders('http://query.example:3001', { max: 10 })).rejects.toMatchObject({
      code: 'READ_MODEL_MISSING',
      message: 'query-api at http://query.example:3001 answered GET /orders?status=open&limit=10 with 503: The order-views read model is missing',
    });
  });

  it('says how to point it at query-api when nothing answers there', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:3001') })));
    await expect(fetchOpenOrders('http://127.0.0.1:3001', { max: 10 })).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: expect.stringMatching(/^Cannot reach query-api at http:\/\/127\.0\.0\.1:3001 \(connect ECONNREFUSED 127\.0\.0\.1:3001\); .*--query-url or QUERY_API_URL$/) as unknown,
    });
  });

  it('refuses an answer that is not a page of orders', async () => {
    vi.stubGlobal('fetch', () => Promise.resolve(answer(200, { status: 'ok' })));
    await expect(fetchOpenOrders('http://127.0.0.1:3000', { max: 10 })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('is that address query-api?') as unknown });
  });
});

describe('tributary orders open', () => {
  const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli({ name: 'tributary', summary: 'test', subcommands: commands }, ['orders', 'open', ...args], { out: (text) => out.push(text), err: (text) => err.push(text), env });
    return { code, out, err: err.join('\n') };
  };

  it('refuses a duration it cannot read, saying what it takes', async () => {
    expect(await run(['--older-than', '30'])).toMatchObject({ code: 2, err: 'error [USAGE]: --older-than "30" is not a duration: give a whole number and a unit, ms, s, m, h or d (500ms, 30s, 5m, 1h)' });
    expect((await run(['--older-than', '1.5h'])).code).toBe(2);
  });

  it('refuses a limit or a query-api address it cannot use', async () => {
    expect(await run(['--limit', '0'])).toMatchObject({ code: 2, err: expect.stringContaining('--limit "0" is invalid') as unknown });
    expect(await run(['--query-url', 'localhost:3001'])).toMatchObject({ code: 2, err: expect.stringContaining('is not an http(s) URL') as unknown });
    expect(await run([], { QUERY_API_URL: 'nowhere' })).toMatchObject({ code: 1, err: expect.stringMatching(/^error \[CONFIG_INVALID\]: .*QUERY_API_URL/) as unknown });
  });

  it('lists open orders, and exits 1 with --exit-code when there are any', async () => {
    vi.stubGlobal('fetch', () => Promise.resolve(answer(200, { orders: [stuckInPayment], nextCursor: null })));
    try {
      const listed = await run(['--older-than', '30s', '--query-url', 'http://query.example:3001']);
      expect(listed.code).toBe(0);
      expect(listed.out[0]?.split('\n')[1]).toMatch(/^o-2\s+PAYMENT_FAILED\s+\S+\s+c-1\s+PAYMENT_FAILED \S+ ago\s+UPSTREAM_REJECTED: gateway answered 400$/);
      expect(listed.err).toMatch(/^1 open order placed more than 30s ago, the oldest placed /);
      expect((await run(['--exit-code', '--json', '--query-url', 'http://query.example:3001'])).code).toBe(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
