import { formatDecimal, parseDecimal } from '@tributary/avro';
import type { OrderLine, OrderPlaced, ShortSku, StockLine, StockRejected, StockReleased, StockReserved } from '@tributary/contracts';
import { TributaryError } from '@tributary/errors';

/**
 * An order's reservation and every decision about it, as pure functions. The store steps that
 * carry them out live in reservations.ts and stock.ts; inventory.ts runs them in order.
 *
 * Statuses: PENDING (intent recorded, lines being taken) then RESERVED or REJECTING → REJECTED;
 * a RESERVED order later goes RELEASING → RELEASED (cancelled or rejected) or CONFIRMING →
 * CONFIRMED. A status ending in -ING is recorded before its stock steps run, so whoever finds it
 * (a redelivery after a crash) finishes the same steps.
 */
export type ReservationStatus = 'PENDING' | 'RESERVED' | 'REJECTING' | 'REJECTED' | 'RELEASING' | 'RELEASED' | 'CONFIRMING' | 'CONFIRMED';

export interface Reservation {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  /** The order's total, exact, as the StockReserved contract carries it. */
  readonly amount: string;
  /** One line per SKU, in the order's order. */
  readonly lines: readonly StockLine[];
  /** Id of the OrderPlaced that opened the reservation: the outcome's event id derives from it. */
  readonly placedBy: string;
  readonly status: ReservationStatus;
  readonly reservedAt: Date | null;
  readonly rejectedAt: Date | null;
  readonly shortSkus: readonly ShortSku[];
  /** Id of the event that released it: only a redelivery of that event announces the release again. */
  readonly releasedBy: string | null;
  readonly releasedAt: Date | null;
  /** False when the order was cancelled before any decision: nothing was announced, so no release is either. */
  readonly releaseAnnounced: boolean;
  readonly confirmedAt: Date | null;
}

const priceScale = 4;
/** The StockReserved amount is decimal(18, 4). */
const amountDigits = 18;

const invalidOrder = (orderId: string, reason: string) => new TributaryError('VALIDATION_FAILED', `OrderPlaced ${orderId} cannot be reserved: ${reason}`);

/** One line per SKU: an order naming a SKU twice takes the sum, and its hold on the SKU is one. */
export const orderLines = (orderId: string, items: readonly OrderLine[]): StockLine[] => {
  const bySku = new Map<string, number>();
  for (const { sku, quantity } of items) {
    // Avro ints may be zero or negative; reserving a negative quantity would add stock.
    if (!Number.isInteger(quantity) || quantity < 1) throw invalidOrder(orderId, `line ${sku} has quantity ${quantity}`);
    bySku.set(sku, (bySku.get(sku) ?? 0) + quantity);
  }
  return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
};

/** Sum of quantity × unit price, exact. */
export const orderAmount = (orderId: string, items: readonly OrderLine[]): string => {
  let total = 0n;
  for (const { quantity, unitPrice } of items) total += BigInt(quantity) * parseDecimal(unitPrice, priceScale);
  if ((total < 0n ? -total : total).toString().length > amountDigits) throw invalidOrder(orderId, `its total ${formatDecimal(total, priceScale)} has more than ${amountDigits} digits`);
  return formatDecimal(total, priceScale);
};

/** The intent recorded before any stock moves; throws VALIDATION_FAILED for an order that cannot be reserved at all. */
export const openReservation = (order: OrderPlaced, placedBy: string): Reservation => ({
  orderId: order.orderId,
  customerId: order.customerId,
  currency: order.currency,
  amount: orderAmount(order.orderId, order.items),
  lines: orderLines(order.orderId, order.items),
  placedBy,
  status: 'PENDING',
  reservedAt: null,
  rejectedAt: null,
  shortSkus: [],
  releasedBy: null,
  releasedAt: null,
  releaseAnnounced: false,
  confirmedAt: null,
});

/** What a store step must do to stock for a reservation whose status it found half done. */
export type StockStep = 'giveBack' | 'dropHold';

export const unfinishedStep = (status: ReservationStatus): { step: StockStep; then: ReservationStatus } | undefined => {
  switch (status) {
    case 'REJECTING':
      return { step: 'giveBack', then: 'REJECTED' };
    case 'RELEASING':
      return { step: 'giveBack', then: 'RELEASED' };
    case 'CONFIRMING':
      return { step: 'dropHold', then: 'CONFIRMED' };
    default:
      return undefined;
  }
};

/** All lines or none: the order is reserved only when no line is short. */
export const decideReservation = (shortSkus: readonly ShortSku[], now: Date): Pick<Reservation, 'status' | 'reservedAt' | 'rejectedAt' | 'shortSkus'> =>
  shortSkus.length === 0
    ? { status: 'RESERVED', reservedAt: now, rejectedAt: null, shortSkus: [] }
    : { status: 'REJECTING', reservedAt: null, rejectedAt: now, shortSkus: [...shortSkus] };

export type Outcome =
  | { readonly eventType: 'StockReserved'; readonly payload: StockReserved; readonly cause: string; readonly occurredAt: Date }
  | { readonly eventType: 'StockRejected'; readonly payload: StockRejected; readonly cause: string; readonly occurredAt: Date }
  | { readonly eventType: 'StockReleased'; readonly payload: StockReleased; readonly cause: string; readonly occurredAt: Date };

/**
 * The answer to OrderPlaced once decided, built from what was recorded, so every delivery of the
 * order gets the same event (same id, same content). Undefined while undecided, and for an order
 * cancelled before it was decided.
 */
export const placedOutcome = (reservation: Reservation): Outcome | undefined => {
  const { orderId, reservedAt, rejectedAt, placedBy } = reservation;
  if (reservedAt && reservation.status !== 'PENDING') {
    return {
      eventType: 'StockReserved',
      cause: placedBy,
      occurredAt: reservedAt,
      payload: { orderId, items: [...reservation.lines], amount: reservation.amount, currency: reservation.currency, customerId: reservation.customerId, reservedAt },
    };
  }
  if (rejectedAt && reservation.status === 'REJECTED') {
    return { eventType: 'StockRejected', cause: placedBy, occurredAt: rejectedAt, payload: { orderId, shortSkus: [...reservation.shortSkus], rejectedAt } };
  }
  return undefined;
};

export type ReleaseAction =
  /** Units are held for an announced reservation: give them back and announce it. */
  | 'release'
  /** Cancelled before a decision: give back whatever was taken, announce nothing. */
  | 'abandon'
  /** This very event released it before; its earlier announcement may have been rolled back. */
  | 'announceAgain'
  | 'nothing';

/** What OrderCancelled or OrderRejected does to a reservation (already finished with unfinishedStep). */
export const releaseAction = (reservation: Reservation | undefined, eventId: string): ReleaseAction => {
  if (!reservation) return 'nothing';
  switch (reservation.status) {
    case 'RESERVED':
      return 'release';
    case 'PENDING':
      return 'abandon';
    case 'RELEASED':
      return reservation.releaseAnnounced && reservation.releasedBy === eventId ? 'announceAgain' : 'nothing';
    default:
      // Rejected for stock (nothing held), or confirmed (final).
      return 'nothing';
  }
};

export const releasing = (reservation: Reservation, eventId: string, now: Date): Pick<Reservation, 'status' | 'releasedBy' | 'releasedAt' | 'releaseAnnounced'> => ({
  status: 'RELEASING',
  releasedBy: eventId,
  releasedAt: now,
  releaseAnnounced: reservation.status === 'RESERVED',
});

export const releasedOutcome = (reservation: Reservation): Outcome | undefined => {
  const { orderId, releasedAt, releasedBy } = reservation;
  if (reservation.status !== 'RELEASED' || !reservation.releaseAnnounced || !releasedAt || !releasedBy) return undefined;
  return { eventType: 'StockReleased', cause: releasedBy, occurredAt: releasedAt, payload: { orderId, items: [...reservation.lines], releasedAt } };
};

/** OrderConfirmed makes a held reservation final; anything else has nothing held to confirm. */
export const shouldConfirm = (reservation: Reservation | undefined): reservation is Reservation => reservation?.status === 'RESERVED';
