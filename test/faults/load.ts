import { setTimeout as sleep } from 'node:timers/promises';

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPrice: string;
}

export interface PlacedOrder {
  orderId: string;
  customerId: string;
  currency: string;
  lines: OrderLine[];
}

/** What the clients saw: orders accepted with 202, refused with a 4xx, and answers that say nothing. */
export interface LoadOutcome {
  sent: number;
  accepted: PlacedOrder[];
  refused: number;
  /** 5xx, timeouts and cut connections: the order may or may not have been published. */
  ambiguous: number;
  /** The distinct answers other than 202, e.g. "503 KAFKA_UNAVAILABLE", for the report. */
  failures: Map<string, number>;
  /** Every request: when it was sent, how long its answer took, its status (0: no answer). */
  answers: Answer[];
}

export interface Answer {
  sentAt: number;
  ms: number;
  status: number;
}

export interface Catalogue {
  customers: readonly string[];
  /** SKUs with plenty of stock. */
  plentiful: readonly string[];
  /** A SKU with little stock, so some orders are rejected for it. */
  scarce: string;
  /** Above the gateway's decline limit, so some payments are declined and their stock released. */
  priceyUnitPrice: string;
  unitPrice: string;
  /**
   * When given, every fourth order is in this currency rather than EUR: orders a scenario can make
   * one step refuse (the gateway's refusedCurrencies), placed among ordinary ones.
   */
  otherCurrency?: string;
}

/** Free orders have a zero total: payments-service authorizes them without calling the gateway. */
const freeUnitPrice = '0.00';

/**
 * The n-th order of a run, deterministic so a failure can be replayed: most confirm, every fifth
 * also asks for the scarce SKU, every seventh is priced to be declined, every eleventh is free, and
 * every fourth is in the catalogue's other currency if it has one.
 */
export const orderFor = (n: number, catalogue: Catalogue): Omit<PlacedOrder, 'orderId'> => {
  const customerId = catalogue.customers[n % catalogue.customers.length] ?? 'customer';
  const sku = catalogue.plentiful[n % catalogue.plentiful.length] ?? 'sku';
  const free = n % 11 === 10;
  const price = (unitPrice: string): string => (free ? freeUnitPrice : unitPrice);
  const lines: OrderLine[] = [{ sku, quantity: 1 + (n % 3), unitPrice: price(n % 7 === 6 ? catalogue.priceyUnitPrice : catalogue.unitPrice) }];
  if (n % 5 === 4) lines.push({ sku: catalogue.scarce, quantity: 2, unitPrice: price(catalogue.unitPrice) });
  const currency = catalogue.otherCurrency !== undefined && n % 4 === 1 ? catalogue.otherCurrency : 'EUR';
  return { customerId, currency, lines };
};

export interface LoadOptions {
  ordersApiUrl: () => string;
  catalogue: Catalogue;
  ratePerSecond: number;
  durationMs: number;
}

const place = async (url: string, { customerId, currency, lines }: Omit<PlacedOrder, 'orderId'>): Promise<{ status: number; orderId?: string; code?: string }> => {
  const res = await fetch(`${url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customerId, currency, items: lines }),
    // Longer than any PUBLISH_TIMEOUT_MS a flow runs with (25 s on the cluster), so orders-api answers first.
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json().catch(() => ({}))) as { orderId?: string; error?: { code?: string } };
  return { status: res.status, orderId: body.orderId, code: body.error?.code };
};

/** Places orders at a steady rate for a while, each in its own request, without waiting for answers. */
export const driveOrders = async ({ ordersApiUrl, catalogue, ratePerSecond, durationMs }: LoadOptions): Promise<LoadOutcome> => {
  const outcome: LoadOutcome = { sent: 0, accepted: [], refused: 0, ambiguous: 0, failures: new Map(), answers: [] };
  const note = (answer: string): void => {
    outcome.failures.set(answer, (outcome.failures.get(answer) ?? 0) + 1);
  };
  const requests: Promise<void>[] = [];
  const started = Date.now();
  for (let n = 0; Date.now() - started < durationMs; n += 1) {
    const order = orderFor(n, catalogue);
    outcome.sent += 1;
    const sentAt = Date.now();
    const answered = (status: number): void => {
      outcome.answers.push({ sentAt, ms: Date.now() - sentAt, status });
    };
    requests.push(
      place(ordersApiUrl(), order).then(
        (answer) => {
          answered(answer.status);
          if (answer.status === 202 && answer.orderId) outcome.accepted.push({ orderId: answer.orderId, ...order });
          else if (answer.status < 500) {
            outcome.refused += 1;
            note(`${answer.status} ${answer.code ?? ''}`.trim());
          } else {
            outcome.ambiguous += 1;
            note(`${answer.status} ${answer.code ?? ''}`.trim());
          }
        },
        (error: unknown) => {
          answered(0);
          outcome.ambiguous += 1;
          note((error as Error).name === 'TimeoutError' ? 'timeout' : 'connection failed');
        },
      ),
    );
    await sleep(Math.max(0, started + ((n + 1) * 1000) / ratePerSecond - Date.now()));
  }
  await Promise.all(requests);
  return outcome;
};
