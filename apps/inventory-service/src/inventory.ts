import type { OrderCancelled, OrderConfirmed, OrderPlaced, OrderRejected, ShortSku } from '@tributary/contracts';
import { causedBy, derivedEventId, headerNames, type ConsumedEvent, type OutgoingEvent } from '@tributary/kafka';
import type { Db } from 'mongodb';
import {
  decideReservation,
  openReservation,
  placedOutcome,
  releaseAction,
  releasedOutcome,
  releasing,
  shouldConfirm,
  unfinishedStep,
  type Outcome,
  type Reservation,
} from './reservation.ts';
import type { ReservationStore } from './reservations.ts';
import { changeStock, type ChangeStockOptions } from './stock.ts';
import { dropHold, giveBack, reserveLine } from './stock-level.ts';

export interface InventoryObserver {
  decided?(outcome: 'reserved' | 'rejected'): void;
  released?(): void;
  confirmed?(): void;
  /** A stock change lost a race to another writer and was decided again. */
  conflict?(): void;
}

export interface InventoryOptions {
  db: Db;
  reservations: ReservationStore;
  now?: () => Date;
  observer?: InventoryObserver;
}

export interface Inventory {
  /** Applies one consumed order event to stock and returns the events to publish for it. */
  handle(consumed: ConsumedEvent<unknown>): Promise<OutgoingEvent[]>;
}

/** Stable across redeliveries: the event id if the producer set one, else the record's position. */
const idOf = (consumed: ConsumedEvent<unknown>): string => consumed.headers[headerNames.eventId] ?? `${consumed.topic}:${consumed.partition}:${consumed.offset}`;

/** The id derives from the event that decided, so a repeated answer is the same event, recognisable downstream. */
const toOutgoing = (outcome: Outcome, consumed: ConsumedEvent<unknown>): OutgoingEvent => ({
  key: outcome.payload.orderId,
  eventType: outcome.eventType,
  payload: outcome.payload,
  context: { ...causedBy(consumed.headers), eventId: derivedEventId(outcome.cause, outcome.eventType), occurredAt: outcome.occurredAt },
});

/**
 * Each step is one write to one document, recorded before the next: the reservation's intent
 * first, then one compare-and-set per SKU, then the decision. A crash between any two leaves a
 * status that says what was under way, and the redelivered event finishes it; SKU holds make
 * taking or giving back a line twice impossible.
 */
export const createInventory = ({ db, reservations, now = () => new Date(), observer = {} }: InventoryOptions): Inventory => {
  const stockOptions: ChangeStockOptions = { onConflict: () => observer.conflict?.(), now };

  /**
   * Takes every line at once (one SKU each, so different documents), then decides: an order with a
   * short line is rejected, and what its other lines took is given back (REJECTING, see finish).
   */
  const reserve = async (reservation: Reservation): Promise<Reservation> => {
    const { orderId } = reservation;
    const lines = await Promise.all(
      reservation.lines.map(async ({ sku, quantity }) => {
        const { before } = await changeStock(db, sku, (level) => {
          const line = reserveLine(level, orderId, quantity);
          return line.kind === 'take' ? line.change : undefined;
        }, stockOptions);
        const line = reserveLine(before, orderId, quantity);
        return line.kind === 'short' ? [{ sku, requested: quantity, available: line.available }] : [];
      }),
    );
    const shortSkus: ShortSku[] = lines.flat();
    const decided = await reservations.update(reservation, decideReservation(shortSkus, now()));
    observer.decided?.(shortSkus.length === 0 ? 'reserved' : 'rejected');
    return finish(decided);
  };

  /** Completes a status ending in -ING: its stock steps, then the status it leads to. */
  const finish = async (reservation: Reservation): Promise<Reservation> => {
    const pending = unfinishedStep(reservation.status);
    if (!pending) return reservation;
    const { orderId } = reservation;
    // Lines are one per SKU, so their steps touch different documents and may run at once.
    await Promise.all(
      reservation.lines.map(({ sku, quantity }) =>
        changeStock(db, sku, (level) => (pending.step === 'giveBack' ? giveBack(level, orderId, quantity) : dropHold(level, orderId)), stockOptions),
      ),
    );
    return reservations.update(reservation, { status: pending.then });
  };

  const placed = async (order: OrderPlaced, consumed: ConsumedEvent<unknown>): Promise<OutgoingEvent[]> => {
    const opened = await reservations.open(openReservation(order, idOf(consumed)));
    const current = opened.status === 'PENDING' ? await reserve(opened) : await finish(opened);
    const outcome = placedOutcome(current);
    return outcome ? [toOutgoing(outcome, consumed)] : [];
  };

  const release = async (orderId: string, consumed: ConsumedEvent<unknown>): Promise<OutgoingEvent[]> => {
    const found = await reservations.find(orderId);
    if (!found) return [];
    const current = await finish(found);
    const eventId = idOf(consumed);
    switch (releaseAction(current, eventId)) {
      case 'release':
      case 'abandon': {
        const released = await finish(await reservations.update(current, releasing(current, eventId, now())));
        observer.released?.();
        const outcome = releasedOutcome(released);
        return outcome ? [toOutgoing(outcome, consumed)] : [];
      }
      case 'announceAgain': {
        const outcome = releasedOutcome(current);
        return outcome ? [toOutgoing(outcome, consumed)] : [];
      }
      case 'nothing':
        return [];
    }
  };

  const confirm = async (orderId: string): Promise<OutgoingEvent[]> => {
    const found = await reservations.find(orderId);
    if (!found) return [];
    const current = await finish(found);
    if (shouldConfirm(current)) {
      await finish(await reservations.update(current, { status: 'CONFIRMING', confirmedAt: now() }));
      observer.confirmed?.();
    }
    return [];
  };

  return {
    handle(consumed) {
      const { eventType, payload } = consumed.event;
      switch (eventType) {
        case 'OrderPlaced':
          return placed(payload as OrderPlaced, consumed);
        case 'OrderCancelled':
          return release((payload as OrderCancelled).orderId, consumed);
        case 'OrderRejected':
          return release((payload as OrderRejected).orderId, consumed);
        case 'OrderConfirmed':
          return confirm((payload as OrderConfirmed).orderId);
        default:
          return Promise.resolve([]);
      }
    },
  };
};
