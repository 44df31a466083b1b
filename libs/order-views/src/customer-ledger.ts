import { TributaryError } from '@tributary/errors';
import type { OrderStatus } from './order-view.ts';

/**
 * The statuses the orders stream itself decides, lowest precedence first. An order counts once,
 * under the highest status seen for it, so the outcome does not depend on arrival order.
 */
export const summaryStatuses = ['PLACED', 'CONFIRMED', 'REJECTED', 'CANCELLED'] as const satisfies readonly OrderStatus[];

export type SummaryStatus = (typeof summaryStatuses)[number];

/** What the summary remembers of one order, so a later event can move it between statuses. */
export interface CustomerOrder {
  orderId: string;
  status: SummaryStatus;
  /** Null until OrderPlaced or OrderConfirmed has been seen (a rejection or cancellation carries no amount). */
  total: string | null;
  currency: string | null;
}

/** One entry as stored: [orderId, status, total, currency]. */
type PackedOrder = [string, SummaryStatus, string | null, string | null];

/**
 * The entries as one JSON text of tuples rather than an array of sub-documents. The store pays for
 * every field it converts: on FerretDB, replacing a summary of 60 orders took 4.4 ms as an array of
 * objects and 0.9 ms as one string (200 orders: 9.8 against 1.6 ms). No query reads the entries,
 * and this keeps the per-order write cost of a growing summary near that of a small document.
 */
export const packLedger = (orders: readonly CustomerOrder[]): string =>
  JSON.stringify(orders.map(({ orderId, status, total, currency }): PackedOrder => [orderId, status, total, currency]));

const isTextOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string';

const isPackedOrder = (value: unknown): value is PackedOrder =>
  Array.isArray(value) &&
  value.length === 4 &&
  typeof value[0] === 'string' &&
  (summaryStatuses as readonly unknown[]).includes(value[1]) &&
  isTextOrNull(value[2]) &&
  isTextOrNull(value[3]);

const corrupt = (customerId: string, detail: string, cause?: unknown) =>
  new TributaryError(
    'INTERNAL',
    `The stored summary of customer ${customerId} has a ledger that ${detail}; rebuild the read model with \`tributary replay customer-summaries\``,
    { cause, details: { customerId } },
  );

/** The entries of a stored ledger; a ledger edited into something else is an error naming the way out. */
export const unpackLedger = (customerId: string, ledger: string): CustomerOrder[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(ledger);
  } catch (cause) {
    throw corrupt(customerId, 'is not JSON', cause);
  }
  if (!Array.isArray(parsed) || !parsed.every(isPackedOrder)) throw corrupt(customerId, 'is not a list of [orderId, status, total, currency] entries');
  return parsed.map(([orderId, status, total, currency]) => ({ orderId, status, total, currency }));
};
