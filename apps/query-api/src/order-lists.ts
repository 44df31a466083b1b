import { TributaryError } from '@tributary/errors';
import { newestOrdersFirst, type CustomerSummary, type OrderView } from '@tributary/order-views';
import { bookkeepingFields, type ReadModel } from '@tributary/store';
import { afterKey, encodeCursor } from './cursor.ts';
import type { PageRequest } from './inputs.ts';

export interface OrderPage {
  orders: OrderView[];
  /** Null on the last page. */
  nextCursor: string | null;
}

/** Clients see the view only, never the store's id and write bookkeeping. */
const viewOnly = Object.fromEntries(['_id', ...bookkeepingFields].map((field) => [field, 0]));

const storeError = (cause: unknown, what: string) => new TributaryError('STORE_UNAVAILABLE', `Store failed to read ${what}: ${(cause as Error).message}`, { cause });

/**
 * One page of order views matching an equality filter (customerId or status), newest first. With
 * the filter field leading the index and the list order following it, MongoDB reads the page off
 * the index; one row beyond the page tells whether another page follows.
 */
export const listOrderViews = async (orderViews: ReadModel<OrderView>, filter: Record<string, string>, page: PageRequest): Promise<OrderPage> => {
  const query = { ...filter, ...(page.cursor ? afterKey(page.cursor) : {}) };
  const collection = await orderViews.current();
  const rows = await collection
    .find(query, { projection: viewOnly })
    .sort({ ...newestOrdersFirst })
    .limit(page.limit + 1)
    .toArray()
    .catch((cause: unknown) => {
      throw storeError(cause, 'order views');
    });
  const orders = rows.slice(0, page.limit) as unknown as OrderView[];
  const last = orders.at(-1);
  return { orders, nextCursor: rows.length > page.limit && last ? encodeCursor({ placedAt: last.placedAt, orderId: last.orderId }) : null };
};

export type CustomerSummaryAnswer = Omit<CustomerSummary, 'orders'>;

/** The summary without its per-order entries: they can be many, and the order list serves them. */
export const findCustomerSummary = async (summaries: ReadModel<CustomerSummary>, customerId: string): Promise<CustomerSummaryAnswer | null> => {
  const found = await (await summaries.current())
    .findOne({ _id: customerId, _tombstone: { $ne: true } }, { projection: { ...viewOnly, orders: 0 } })
    .catch((cause: unknown) => {
      throw storeError(cause, 'customer summaries');
    });
  return found as unknown as CustomerSummaryAnswer | null;
};
