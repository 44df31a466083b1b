import { TributaryError } from '@tributary/errors';
import { newestOrdersFirst, openOrderStatuses, type CustomerSummary, type OrderView } from '@tributary/order-views';
import { bookkeepingFields, type ReadModel } from '@tributary/store';
import { afterKey, encodeCursor, type PageKey } from './cursor.ts';
import { openStatus, type OrdersByStatus, type PageRequest } from './inputs.ts';

export interface OrderPage {
  orders: OrderView[];
  /** Null on the last page. */
  nextCursor: string | null;
}

/** Clients see the view only, never the store's id and write bookkeeping. */
const viewOnly = Object.fromEntries(['_id', ...bookkeepingFields].map((field) => [field, 0]));

const storeError = (cause: unknown, what: string) => new TributaryError('STORE_UNAVAILABLE', `Store failed to read ${what}: ${(cause as Error).message}`, { cause });

export type OrderFilter = Record<string, unknown>;

/**
 * The orders of a status (or of any open one) placed before a time. It constrains the fields of
 * the status_newest_first index in its order, status then placedAt, so MongoDB reads each status's
 * range off the index, already newest first. A range on placedAt never matches null: orders whose
 * placement is not projected yet have no placement time to compare.
 */
export const statusFilter = ({ status, placedBefore }: OrdersByStatus): OrderFilter => ({
  status: status === openStatus ? { $in: [...openOrderStatuses] } : status,
  ...(placedBefore === undefined ? {} : { placedAt: { $lt: placedBefore } }),
});

/** The filter, past the cursor. Both may constrain placedAt: then each must hold, which only $and says. */
export const pastCursor = (filter: OrderFilter, cursor: PageKey | undefined): OrderFilter => {
  if (!cursor) return filter;
  const after = afterKey(cursor);
  return Object.keys(after).some((field) => field in filter) ? { $and: [filter, after] } : { ...filter, ...after };
};

/**
 * One page of order views matching a filter (a customer, or statuses), newest first. With the
 * filter's fields leading the index and the list order following it, MongoDB reads the page off
 * the index; one row beyond the page tells whether another page follows.
 */
export const listOrderViews = async (orderViews: ReadModel<OrderView>, filter: OrderFilter, page: PageRequest): Promise<OrderPage> => {
  const query = pastCursor(filter, page.cursor);
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

export type CustomerSummaryAnswer = Omit<CustomerSummary, 'ledger' | 'orders'>;

/** The summary without its per-order entries: they can be many, and the order list serves them. */
export const findCustomerSummary = async (summaries: ReadModel<CustomerSummary>, customerId: string): Promise<CustomerSummaryAnswer | null> => {
  const found = await (await summaries.current())
    .findOne({ _id: customerId, _tombstone: { $ne: true } }, { projection: { ...viewOnly, ledger: 0, orders: 0 } })
    .catch((cause: unknown) => {
      throw storeError(cause, 'customer summaries');
    });
  return found as unknown as CustomerSummaryAnswer | null;
};
