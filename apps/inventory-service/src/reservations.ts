import { TributaryError } from '@tributary/errors';
import { MongoServerError, type Db } from 'mongodb';
import type { Reservation } from './reservation.ts';

/**
 * One document per order (_id = orderId), written only by the consumer that owns the order's
 * partition, one event at a time: plain writes by _id need no compare-and-set here.
 */
export const reservationsCollection = 'reservations';

type StoredReservation = Omit<Reservation, 'orderId'> & { _id: string; updatedAt: Date };

export interface ReservationStore {
  find(orderId: string): Promise<Reservation | undefined>;
  /** Records a new reservation, or returns the one already recorded for the order. */
  open(reservation: Reservation): Promise<Reservation>;
  /** Writes some fields and returns the reservation as it is now. */
  update(reservation: Reservation, fields: Partial<Omit<Reservation, 'orderId'>>): Promise<Reservation>;
}

const duplicateKey = 11000;

const storeError = (cause: unknown, action: string): unknown =>
  // Driver network errors are classified as transient by name; keep them, wrap the rest with context.
  cause instanceof MongoServerError ? new TributaryError('STORE_UNAVAILABLE', `Store failed to ${action}: ${cause.message}`, { cause }) : cause;

const fromStored = ({ _id, updatedAt: _updatedAt, ...rest }: StoredReservation): Reservation => ({ ...rest, orderId: _id });

export const openReservations = (db: Db, now: () => Date = () => new Date()): ReservationStore => {
  const reservations = db.collection<StoredReservation>(reservationsCollection);
  const find = async (orderId: string): Promise<Reservation | undefined> => {
    const found = await reservations.findOne({ _id: orderId }).catch((cause: unknown) => {
      throw storeError(cause, `read the reservation of order ${orderId}`);
    });
    return found ? fromStored(found) : undefined;
  };
  return {
    find,
    async open(reservation) {
      const { orderId, ...rest } = reservation;
      try {
        await reservations.insertOne({ ...rest, lines: [...rest.lines], shortSkus: [...rest.shortSkus], _id: orderId, updatedAt: now() });
        return reservation;
      } catch (cause) {
        if (!(cause instanceof MongoServerError) || cause.code !== duplicateKey) throw storeError(cause, `record the reservation of order ${orderId}`);
      }
      const existing = await find(orderId);
      if (!existing) throw new TributaryError('STORE_UNAVAILABLE', `Order ${orderId} has a reservation that cannot be read back; retrying`);
      return existing;
    },
    async update(reservation, fields) {
      try {
        await reservations.updateOne({ _id: reservation.orderId }, { $set: { ...fields, updatedAt: now() } as Partial<StoredReservation> });
      } catch (cause) {
        throw storeError(cause, `update the reservation of order ${reservation.orderId}`);
      }
      return { ...reservation, ...fields };
    },
  };
};
