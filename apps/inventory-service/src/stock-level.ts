/**
 * One SKU's stock as a pure value, and every change the service makes to it. No I/O here: the
 * store applies these decisions with a compare-and-set, and calls them again when it loses a race.
 */

/** SKUs as the order contract spells them: nothing shaped like a query operator reaches the store. */
export const skuPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** Largest quantity an operator may set: far above any shelf, far below where integers lose precision. */
export const maxStockQuantity = 1_000_000_000;

export interface StockLevel {
  readonly sku: string;
  /** How many changes the SKU has seen; 0 for a SKU never set, which has nothing available. */
  readonly version: number;
  /** Units free to reserve. */
  readonly available: number;
  /** Orders holding units of this SKU: a redelivered reservation finds itself here and takes nothing twice. */
  readonly holds: readonly string[];
}

/** What a change was, kept with every version of the SKU as its history. */
export type StockChangeKind = 'set' | 'reserve' | 'release' | 'confirm';

export interface StockChange {
  readonly available: number;
  readonly holds: readonly string[];
  readonly kind: StockChangeKind;
  readonly orderId: string | null;
  /** Units moved (reserve, release) or the level set. */
  readonly quantity: number;
}

export const emptyLevel = (sku: string): StockLevel => ({ sku, version: 0, available: 0, holds: [] });

export type LineReservation =
  /** This order already holds the line (a redelivery, or a retry after a crash). */
  | { readonly kind: 'held' }
  | { readonly kind: 'take'; readonly change: StockChange }
  | { readonly kind: 'short'; readonly available: number };

export const reserveLine = (level: StockLevel, orderId: string, quantity: number): LineReservation => {
  if (level.holds.includes(orderId)) return { kind: 'held' };
  if (level.available < quantity) return { kind: 'short', available: level.available };
  return { kind: 'take', change: { available: level.available - quantity, holds: [...level.holds, orderId], kind: 'reserve', orderId, quantity } };
};

/** Gives an order's units back; undefined when the order holds none here (never held, or already given back). */
export const giveBack = (level: StockLevel, orderId: string, quantity: number): StockChange | undefined =>
  level.holds.includes(orderId)
    ? { available: level.available + quantity, holds: level.holds.filter((held) => held !== orderId), kind: 'release', orderId, quantity }
    : undefined;

/** Makes an order's reservation final: its units stay taken, only the marker goes. */
export const dropHold = (level: StockLevel, orderId: string): StockChange | undefined =>
  level.holds.includes(orderId) ? { available: level.available, holds: level.holds.filter((held) => held !== orderId), kind: 'confirm', orderId, quantity: 0 } : undefined;

/** Sets the units free to reserve; what orders hold stays held. Undefined when nothing would change. */
export const setAvailable = (level: StockLevel, quantity: number): StockChange | undefined =>
  level.version > 0 && level.available === quantity ? undefined : { available: quantity, holds: level.holds, kind: 'set', orderId: null, quantity };

export const applyChange = (level: StockLevel, change: StockChange): StockLevel => ({
  sku: level.sku,
  version: level.version + 1,
  available: change.available,
  holds: change.holds,
});
