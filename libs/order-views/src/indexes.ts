/** An index a read model's queries need: key fields in order, 1 ascending, -1 descending. */
export interface ReadModelIndex {
  readonly name: string;
  readonly key: Readonly<Record<string, 1 | -1>>;
}

/** How order lists are ordered: newest placement first, the order id breaking ties so paging is stable. */
export const newestOrdersFirst = { placedAt: -1, orderId: -1 } as const;

/**
 * The equality field first, then the list order: MongoDB answers a page of a customer's orders, or
 * of one status, by walking the index without sorting. (FerretDB 1.x accepts them but scans.)
 */
export const orderViewIndexes: readonly ReadModelIndex[] = [
  { name: 'customer_newest_first', key: { customerId: 1, ...newestOrdersFirst } },
  { name: 'status_newest_first', key: { status: 1, ...newestOrdersFirst } },
];
