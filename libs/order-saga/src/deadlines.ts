import { MongoServerError, type Db } from 'mongodb';
import { storeError } from './saga-store.ts';

export const deadlinesCollection = 'order_deadlines';

/**
 * An order the saga is still waiting on. It lives in the store, not in a timer, so it outlasts
 * restarts and rebalances: whichever instance owns the order's partition sweeps it.
 */
export interface OrderDeadline {
  orderId: string;
  /** The order's partition of the orders topic: the instance that owns it sweeps the deadline. */
  partition: number;
  placedAt: Date;
  dueAt: Date;
  /** When the sweep last announced that the deadline passed; null until it has. */
  announcedAt: Date | null;
}

type StoredDeadline = Omit<OrderDeadline, 'orderId'> & { _id: string };

export interface DeadlineStore {
  /** Starts the clock of an order; a second call for the same order keeps the first. */
  schedule(deadline: Omit<OrderDeadline, 'announcedAt'>): Promise<void>;
  /** Stops the clocks of orders that became final. */
  clear(orderIds: readonly string[]): Promise<void>;
  /** Every open order of the given partitions; open orders are few, so a scan stays small. */
  ofPartitions(partitions: readonly number[]): Promise<OrderDeadline[]>;
  markAnnounced(orderIds: readonly string[], at: Date): Promise<void>;
}

const duplicateKey = 11000;

export const openDeadlineStore = (db: Db): DeadlineStore => {
  const deadlines = db.collection<StoredDeadline>(deadlinesCollection);
  return {
    async schedule({ orderId, ...rest }) {
      try {
        await deadlines.insertOne({ _id: orderId, ...rest, announcedAt: null });
      } catch (cause) {
        if (!(cause instanceof MongoServerError) || cause.code !== duplicateKey) throw storeError(cause, `start the deadline of order ${orderId}`);
      }
    },
    async clear(orderIds) {
      if (orderIds.length === 0) return;
      await deadlines.deleteMany({ _id: { $in: [...orderIds] } }).catch((cause: unknown) => {
        throw storeError(cause, `clear the deadlines of ${orderIds.length} orders`);
      });
    },
    async ofPartitions(partitions) {
      if (partitions.length === 0) return [];
      const found = await deadlines
        .find({ partition: { $in: [...partitions] } })
        .toArray()
        .catch((cause: unknown) => {
          throw storeError(cause, 'read open orders');
        });
      return found.map(({ _id, ...rest }) => ({ ...rest, orderId: _id }));
    },
    async markAnnounced(orderIds, at) {
      if (orderIds.length === 0) return;
      await deadlines.updateMany({ _id: { $in: [...orderIds] } }, { $set: { announcedAt: at } }).catch((cause: unknown) => {
        throw storeError(cause, `mark ${orderIds.length} deadlines announced`);
      });
    },
  };
};

/**
 * The deadlines to announce now: passed, and not announced within `reannounceAfterMs` (an
 * announcement is a fact, so repeating one whose effect has not shown yet is harmless).
 */
export const deadlinesToAnnounce = (open: readonly OrderDeadline[], now: Date, reannounceAfterMs: number): OrderDeadline[] =>
  open.filter((deadline) => deadline.dueAt <= now && (deadline.announcedAt === null || now.getTime() - deadline.announcedAt.getTime() >= reannounceAfterMs));

/** How many orders are open and how long the oldest has waited, for the saga's gauges. */
export const openOrderStats = (open: readonly OrderDeadline[], now: Date): { count: number; oldestAgeSeconds: number } => ({
  count: open.length,
  oldestAgeSeconds: open.reduce((oldest, deadline) => Math.max(oldest, (now.getTime() - deadline.placedAt.getTime()) / 1000), 0),
});
