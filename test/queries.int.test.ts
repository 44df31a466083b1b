import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { createEventProducer, ensureTopics, eventTopic, type EventProducer, type OutgoingEvent } from '@tributary/kafka';
import { startOrderProjector, type OrderProjector } from '@tributary/order-projector';
import { loadOrderProjectorSettings } from '@tributary/order-projector/settings';
import { startQueryApi, type QueryApi } from '@tributary/query-api';
import { loadQueryApiSettings } from '@tributary/query-api/settings';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, serviceEnvironment, testKafka, testLogger, uniqueName } from './support.ts';

const names = { ordersTopic: uniqueName('orders'), database: uniqueName('queries'), groupId: uniqueName('order-projector') };
const env = serviceEnvironment(names);
const paymentsTopic = env.PAYMENTS_TOPIC;

let projector: OrderProjector;
let queryApi: QueryApi;
let producer: EventProducer;

const minute = (n: number) => new Date(Date.UTC(2026, 4, 1, 9, n));

interface Order {
  orderId: string;
  customerId: string;
  currency: string;
  unitPrice: string;
  quantity: number;
  placedAt: Date;
}

/*
 * Customer A: a-01 … a-12, two units at "<n>.05" each (total 2n + 0.1), a-03 and a-07 in USD, the
 * rest in EUR; a-05 and a-06 placed in the same minute, so the order id breaks the tie.
 * Customer B: three orders in EUR and GBP.
 */
const ordersOfA: Order[] = Array.from({ length: 12 }, (_, index) => {
  const n = index + 1;
  return {
    orderId: `a-${String(n).padStart(2, '0')}`,
    customerId: 'customer-a',
    currency: n === 3 || n === 7 ? 'USD' : 'EUR',
    unitPrice: `${n}.05`,
    quantity: 2,
    placedAt: minute(n === 6 ? 5 : n),
  };
});
const ordersOfB: Order[] = [
  { orderId: 'b-1', customerId: 'customer-b', currency: 'EUR', unitPrice: '3', quantity: 1, placedAt: minute(2) },
  { orderId: 'b-2', customerId: 'customer-b', currency: 'GBP', unitPrice: '7.5', quantity: 1, placedAt: minute(4) },
  { orderId: 'b-3', customerId: 'customer-b', currency: 'EUR', unitPrice: '0.0001', quantity: 1, placedAt: minute(6) },
];
const byId = new Map([...ordersOfA, ...ordersOfB].map((order) => [order.orderId, order]));
const order = (orderId: string): Order => {
  const found = byId.get(orderId);
  if (!found) throw new Error(`no order ${orderId} in this test`);
  return found;
};
const totalOf = ({ unitPrice, quantity }: Order) => (Number(unitPrice) * quantity).toFixed(4);

const placed = (o: Order): OutgoingEvent => ({
  key: o.orderId,
  eventType: 'OrderPlaced',
  version: 2,
  payload: { ...o, items: [{ sku: 'SKU-1', quantity: o.quantity, unitPrice: o.unitPrice }], channel: 'WEB', promoCode: null },
});
const confirmed = (orderId: string, at: Date): OutgoingEvent => {
  const o = order(orderId);
  return { key: orderId, eventType: 'OrderConfirmed', payload: { orderId, customerId: o.customerId, total: totalOf(o), currency: o.currency, confirmedAt: at } };
};
const rejected = (orderId: string, at: Date): OutgoingEvent => ({
  key: orderId,
  eventType: 'OrderRejected',
  payload: { orderId, customerId: order(orderId).customerId, reason: 'OUT_OF_STOCK', detail: null, rejectedAt: at },
});
const cancelled = (orderId: string, at: Date): OutgoingEvent => ({
  key: orderId,
  eventType: 'OrderCancelled',
  payload: { orderId, customerId: order(orderId).customerId, reason: 'changed my mind', cancelledAt: at },
});
const authorized = (orderId: string, at: Date): OutgoingEvent => ({
  key: orderId,
  eventType: 'PaymentAuthorized',
  payload: { orderId, amount: '1', currency: 'EUR', authorizationId: `auth-${orderId}`, authorizedAt: at },
});

interface OrderRow {
  orderId: string;
  status: string;
  placedAt: string | null;
}
interface OrderPage {
  orders: OrderRow[];
  nextCursor: string | null;
}
interface ErrorAnswer {
  error: { code: string; message: string; details?: { fields: { field: string; message: string }[] } };
}

const get = async <T>(path: string): Promise<{ status: number; contentType: string | null; body: T }> => {
  const res = await fetch(`${queryApi.url}${path}`);
  return { status: res.status, contentType: res.headers.get('content-type'), body: (await res.json()) as T };
};

/** Every page of a list, following nextCursor, with the cursors seen. */
const allPages = async (path: string, limit: number): Promise<{ pages: OrderRow[][]; cursors: string[] }> => {
  const pages: OrderRow[][] = [];
  const cursors: string[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const answer: { status: number; body: OrderPage } = await get<OrderPage>(`${path}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer.status).toBe(200);
    pages.push(answer.body.orders);
    cursor = answer.body.nextCursor;
    if (cursor) cursors.push(cursor);
  } while (cursor && pages.length < 20);
  return { pages, cursors };
};

const summaryOf = async (customerId: string) => {
  const answer = await get<Record<string, unknown>>(`/customers/${customerId}`);
  return answer.status === 200 ? answer.body : undefined;
};

const newestFirst = (a: { placedAt: Date | string | null; orderId: string }, b: { placedAt: Date | string | null; orderId: string }) => {
  const at = (row: { placedAt: Date | string | null }) => (row.placedAt === null ? '' : new Date(row.placedAt).toISOString());
  return at(b).localeCompare(at(a)) || (a.orderId < b.orderId ? 1 : a.orderId > b.orderId ? -1 : 0);
};

beforeAll(async () => {
  await ensureTopics(testKafka(), [eventTopic(names.ordersTopic, 3, 1)]);
  projector = await startOrderProjector(loadOrderProjectorSettings(env), testLogger('order-projector'));
  queryApi = await startQueryApi(loadQueryApiSettings(env), testLogger('query-api'));
  const codec = createAvroCodec({ registryUrl: inject('backbone').registryUrl, catalog: loadSchemaCatalog() });
  producer = createEventProducer({ kafka: testKafka(), codec, producerName: 'queries-test' });
  await producer.connect();

  await producer.publish(names.ordersTopic, [...ordersOfA, ...ordersOfB].map(placed));
  await producer.publish(names.ordersTopic, [
    confirmed('a-01', minute(30)),
    confirmed('a-02', minute(30)),
    confirmed('a-03', minute(30)),
    rejected('a-04', minute(30)),
    confirmed('a-05', minute(30)),
    cancelled('a-05', minute(31)),
    confirmed('b-1', minute(30)),
  ]);
  // Payment outcomes for orders the orders stream has not shown the projector (g-*), and for a-11.
  await producer.publish(paymentsTopic, [authorized('g-1', minute(40)), authorized('g-2', minute(41)), authorized('a-11', minute(40))]);

  // Settled: every order counted, the last outcomes folded in, and the payment-only views there.
  await eventually(
    async () => {
      const [a, b] = await Promise.all([summaryOf('customer-a'), summaryOf('customer-b')]);
      const authorizedViews = await get<OrderPage>('/orders?status=PAYMENT_AUTHORIZED');
      const statusesOf = (summary: Record<string, unknown> | undefined) => Object.keys(summary?.['byStatus'] ?? {});
      const settled =
        a?.['orderCount'] === 12 &&
        b?.['orderCount'] === 3 &&
        statusesOf(a).includes('CANCELLED') &&
        statusesOf(a).includes('REJECTED') &&
        statusesOf(b).includes('CONFIRMED') &&
        authorizedViews.body.orders.length === 3;
      return settled ? true : undefined;
    },
    { timeoutMs: 45_000 },
  );
});

afterAll(async () => {
  await producer?.disconnect();
  await queryApi?.stop();
  await projector?.stop();
});

describe("a customer's orders", () => {
  it('come newest first across pages, the order id breaking ties, with no gaps or repeats', async () => {
    const { pages, cursors } = await allPages('/customers/customer-a/orders', 5);
    expect(pages.map((page) => page.length)).toEqual([5, 5, 2]);
    const rows = pages.flat();
    expect(rows.map((row) => row.orderId)).toEqual([...ordersOfA].sort(newestFirst).map((o) => o.orderId));
    // a-05 and a-06 were placed in the same minute.
    expect(rows.map((row) => row.orderId).slice(5, 9)).toEqual(['a-07', 'a-06', 'a-05', 'a-04']);
    expect(new Set(cursors).size).toBe(2);
    expect(rows.find((row) => row.orderId === 'a-05')).toMatchObject({ status: 'CANCELLED', customerId: 'customer-a', total: '10.1', currency: 'EUR' });
  });

  it('answer with the customer id, the views and the next cursor, defaulting to 20 rows', async () => {
    const answer = await get<OrderPage & { customerId: string }>('/customers/customer-b/orders');
    expect(answer.status).toBe(200);
    expect(answer.body.customerId).toBe('customer-b');
    expect(answer.body.nextCursor).toBeNull();
    expect(answer.body.orders.map((row) => row.orderId)).toEqual(['b-3', 'b-2', 'b-1']);
    const [newest] = answer.body.orders;
    expect(Object.keys(newest ?? {}).filter((field) => field.startsWith('_'))).toEqual([]);
    expect(newest).toMatchObject({ orderId: 'b-3', status: 'PLACED', total: '0.0001', timeline: [{ step: 'PLACED', at: minute(6).toISOString() }] });
  });

  it('is an empty list for a customer with none', async () => {
    expect((await get<OrderPage>('/customers/nobody/orders')).body).toEqual({ customerId: 'nobody', orders: [], nextCursor: null });
  });
});

describe('orders by status', () => {
  it('lists one status across customers, newest first, paged', async () => {
    const { pages } = await allPages('/orders?status=CONFIRMED', 2);
    expect(pages.flat().map((row) => row.orderId)).toEqual(['a-03', 'b-1', 'a-02', 'a-01']);
    expect(pages.flat().every((row) => row.status === 'CONFIRMED')).toBe(true);
  });

  it('pages through orders whose placement is not known yet, after the placed ones', async () => {
    const { pages } = await allPages('/orders?status=PAYMENT_AUTHORIZED', 1);
    expect(pages.map((page) => page.map((row) => [row.orderId, row.placedAt]))).toEqual([[['a-11', minute(11).toISOString()]], [['g-2', null]], [['g-1', null]]]);
  });

  it('answers the status asked for with the page', async () => {
    expect((await get<OrderPage>('/orders?status=CANCELLED')).body).toMatchObject({ status: 'CANCELLED', orders: [{ orderId: 'a-05' }], nextCursor: null });
  });
});

describe('open orders and orders placed before a time', () => {
  const ids = (rows: OrderRow[]) => rows.map((row) => row.orderId);

  it('lists every order without an outcome as open, newest first, those not placed yet last', async () => {
    const { pages } = await allPages('/orders?status=open', 4);
    expect(pages.map(ids)).toEqual([['a-12', 'a-11', 'a-10', 'a-09'], ['a-08', 'a-07', 'b-3', 'a-06'], ['b-2', 'g-2', 'g-1']]);
    expect(new Set(pages.flat().map((row) => row.status))).toEqual(new Set(['PLACED', 'PAYMENT_AUTHORIZED']));
  });

  it('lists the open orders placed before a time, paged, and none placed at it or later', async () => {
    const { pages } = await allPages(`/orders?status=open&placedBefore=${minute(8).toISOString()}`, 3);
    expect(pages.map(ids)).toEqual([['a-07', 'b-3', 'a-06'], ['b-2']]);
  });

  it('lists one status placed before a time, and answers with the time it compared against', async () => {
    const answer = await get<OrderPage & { status: string; placedBefore: string }>('/orders?status=PLACED&placedBefore=2026-05-01T11%3A06%3A00%2B02%3A00');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'PLACED', placedBefore: minute(6).toISOString(), nextCursor: null });
    expect(ids(answer.body.orders)).toEqual(['a-06', 'b-2']);
    const { pages } = await allPages(`/orders?status=CONFIRMED&placedBefore=${minute(3).toISOString()}`, 2);
    expect(pages.map(ids)).toEqual([['b-1', 'a-02'], ['a-01']]);
  });

  it('is an empty page before the first placement', async () => {
    expect((await get<OrderPage>(`/orders?status=open&placedBefore=${minute(0).toISOString()}`)).body).toEqual({ status: 'open', placedBefore: minute(0).toISOString(), orders: [], nextCursor: null });
  });
});

describe("a customer's summary", () => {
  it('counts each order once under its current status, with exact totals per currency', async () => {
    expect(await summaryOf('customer-a')).toEqual({
      customerId: 'customer-a',
      orderCount: 12,
      byStatus: {
        PLACED: { count: 7, totals: { EUR: '112.6', USD: '14.1' } },
        CONFIRMED: { count: 3, totals: { EUR: '6.2', USD: '6.1' } },
        REJECTED: { count: 1, totals: { EUR: '8.1' } },
        CANCELLED: { count: 1, totals: { EUR: '10.1' } },
      },
      updatedAt: minute(31).toISOString(),
    });
    expect(await summaryOf('customer-b')).toMatchObject({
      orderCount: 3,
      byStatus: { PLACED: { count: 2, totals: { EUR: '0.0001', GBP: '7.5' } }, CONFIRMED: { count: 1, totals: { EUR: '3' } } },
    });
  });

  it('moves an order from placed to confirmed when its confirmation arrives', async () => {
    await producer.publish(names.ordersTopic, [confirmed('a-12', minute(50))]);
    const moved = await eventually(async () => {
      const summary = await summaryOf('customer-a');
      return summary?.['updatedAt'] === minute(50).toISOString() ? summary : undefined;
    });
    expect(moved).toMatchObject({
      orderCount: 12,
      byStatus: { PLACED: { count: 6, totals: { EUR: '88.5', USD: '14.1' } }, CONFIRMED: { count: 4, totals: { EUR: '30.3', USD: '6.1' } } },
    });
    const { pages } = await allPages('/orders?status=CONFIRMED', 100);
    expect(pages.flat()[0]?.orderId).toBe('a-12');
  });

  it('is not found before any order of the customer is projected', async () => {
    const answer = await get<ErrorAnswer>('/customers/nobody');
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('NOT_FOUND');
  });
});

describe('the projector', () => {
  it('creates the indexes the order lists need and counts applied events per read model', async () => {
    const mongo = await new MongoClient(inject('backbone').mongoUri).connect();
    try {
      const indexes = await mongo.db(names.database).collection('order_views').indexes();
      expect(indexes.map((index) => index.key)).toEqual(
        expect.arrayContaining([
          { customerId: 1, placedAt: -1, orderId: -1 },
          { status: 1, placedAt: -1, orderId: -1 },
        ]),
      );
    } finally {
      await mongo.close();
    }
    const address = projector.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const projection of ['order_views', 'customer_summaries']) {
      expect(metrics).toMatch(new RegExp(`^projector_events_applied_total\\{[^}]*projection="${projection}"[^}]*\\} [1-9]`, 'm'));
      expect(metrics).toMatch(new RegExp(`^projector_apply_duration_seconds_count\\{[^}]*projection="${projection}"[^}]*\\} [1-9]`, 'm'));
    }
  });
});

describe('bad input', () => {
  const cases: [path: string, field: string, message: RegExp][] = [
    ['/customers/%7B%22%24gt%22%3A%22%22%7D/orders', 'id', /must be a customer id/],
    ['/customers/%7B%22%24gt%22%3A%22%22%7D', 'id', /must be a customer id/],
    ['/orders/%7B%22%24ne%22%3Anull%7D', 'id', /must be an order id/],
    ['/customers/a%2Fb/orders', 'id', /must be a customer id/],
    [`/customers/${'x'.repeat(129)}/orders`, 'id', /must be a customer id/],
    ['/orders?status[$gt]=', 'status[$gt]', /is not a parameter of this query \(it takes status, placedBefore, limit, cursor\)/],
    ['/orders?status=CONFIRMED&status[$ne]=x', 'status[$ne]', /is not a parameter/],
    ['/orders?status=%7B%22%24gt%22%3A%22%22%7D', 'status', /must be one of PENDING, PLACED, .*CANCELLED/],
    ['/orders?status=CONFIRMED&status=PLACED', 'status', /must be given once, as plain text/],
    ['/orders?status=SHIPPED', 'status', /must be one of PENDING, PLACED, STOCK_RESERVED, STOCK_REJECTED, STOCK_FAILED, PAYMENT_AUTHORIZED, PAYMENT_DECLINED, PAYMENT_FAILED, CONFIRMED, REJECTED, CANCELLED/],
    ['/orders', 'status', /is required/],
    ['/orders?status=opened', 'status', /must be one of PENDING, .*CANCELLED, or open \(any status but CONFIRMED, REJECTED, CANCELLED\)/],
    ['/orders?placedBefore=2026-05-01T09:00:00Z', 'status', /is required/],
    ['/orders?status=open&placedBefore=yesterday', 'placedBefore', /must be an ISO-8601 time with a zone, such as 2026-05-01T09:00:00Z/],
    ['/orders?status=open&placedBefore=2026-05-01T09:00:00', 'placedBefore', /ISO-8601 time with a zone/],
    ['/orders?status=open&placedBefore=2026-05-01T11:00:00+02:00', 'placedBefore', /ISO-8601 time with a zone/],
    ['/orders?status=open&placedBefore=2026-05-01T09:00:00Z&placedBefore=2026-05-02T09:00:00Z', 'placedBefore', /given once/],
    ['/orders?status=open&placedBefore[$gt]=', 'placedBefore[$gt]', /is not a parameter/],
    ['/orders?status=CONFIRMED&limit=0', 'limit', /from 1 to 100/],
    ['/orders?status=CONFIRMED&limit=101', 'limit', /from 1 to 100/],
    ['/orders?status=CONFIRMED&limit=ten', 'limit', /from 1 to 100/],
    ['/customers/customer-a/orders?limit=1&limit=2', 'limit', /given once/],
    ['/customers/customer-a/orders?cursor=not-a-cursor', 'cursor', /not a cursor this API issued/],
    ['/customers/customer-a/orders?cursor[$gt]=', 'cursor[$gt]', /is not a parameter/],
    ['/customers/customer-a/orders?sort=placedAt', 'sort', /is not a parameter of this query \(it takes limit, cursor\)/],
    ['/customers/customer-a?verbose=1', 'verbose', /this query takes none/],
    ['/orders/a-01?__proto__=x', '__proto__', /this query takes none/],
  ];

  it.each(cases)('%s answers 400 naming %s', async (path, field, message) => {
    const answer = await get<ErrorAnswer>(path);
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    expect(answer.body.error.message).toMatch(/^(Path|Query) is invalid: /);
    expect(answer.body.error.details?.fields).toContainEqual({ field, message: expect.stringMatching(message) as unknown });
  });

  it('answers 400 for a path that is not correctly percent-encoded', async () => {
    const answer = await get<ErrorAnswer>('/customers/%E0%A4%A/orders');
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Path is invalid: it is not correctly percent-encoded' });
  });

  it('refuses a cursor altered in any way', async () => {
    const first = await get<OrderPage>('/customers/customer-a/orders?limit=2');
    const cursor = first.body.nextCursor ?? '';
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const forged = [
      `${cursor}A`,
      cursor.slice(1),
      Buffer.from(JSON.stringify([key[0], { $gt: '' }])).toString('base64url'),
      Buffer.from(JSON.stringify({ placedAt: { $ne: null }, orderId: key[1] })).toString('base64url'),
      Buffer.from(JSON.stringify([key[0], key[1]])).toString('base64'),
    ];
    for (const tampered of forged) {
      const answer = await get<ErrorAnswer>(`/customers/customer-a/orders?limit=2&cursor=${encodeURIComponent(tampered)}`);
      expect(answer.status, tampered).toBe(400);
      expect(answer.body.error.details?.fields).toEqual([{ field: 'cursor', message: 'is not a cursor this API issued: pass nextCursor from the previous page unchanged' }]);
    }
  });
});
