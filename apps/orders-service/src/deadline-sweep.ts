import type { OrderDeadlinePassed } from '@tributary/contracts';
import { derivedEventId, type OutgoingEvent } from '@tributary/kafka';
import type { Logger } from '@tributary/logger';
import { counter, gauge, type MetricsRegistry } from '@tributary/metrics';
import { deadlinesToAnnounce, openOrderStats, type DeadlineStore, type OrderDeadline, type SagaStore } from '@tributary/order-saga';

export interface DeadlineSweepOptions {
  deadlines: DeadlineStore;
  sagas: SagaStore;
  /** The partitions of the orders topic this instance owns now: it sweeps only their orders. */
  ownedPartitions: () => readonly number[];
  /** Produces the announcements to the orders topic, where the order's own partition decides them. */
  announce: (events: readonly OutgoingEvent[]) => Promise<void>;
  intervalMs: number;
  /** An announcement whose rejection has not shown yet is repeated after this long. */
  reannounceAfterMs: number;
  /** How long an order may stay open (ORDER_DEADLINE_MS): exported, so an alert can compare the oldest open order with it. */
  deadlineMs: number;
  logger: Logger;
  metrics: MetricsRegistry;
  now?: () => Date;
}

export interface DeadlineSweep {
  /** One pass: announce what is due, refresh the gauges. Runs on its timer; exposed for tests. */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

const announcement = (deadline: OrderDeadline): OutgoingEvent => {
  const payload: OrderDeadlinePassed = { orderId: deadline.orderId, placedAt: deadline.placedAt, deadlineAt: deadline.dueAt };
  // Every copy of an order's announcement has the same id: it is one fact, however often it is said.
  return { key: deadline.orderId, eventType: 'OrderDeadlinePassed', payload, context: { eventId: derivedEventId(deadline.orderId, 'OrderDeadlinePassed') } };
};

/**
 * Rejects orders that outlive their deadline without a timer per order: every pass reads the open
 * orders of the partitions this instance owns and announces the overdue ones as an
 * OrderDeadlinePassed fact. The saga decides that fact like any other, in the transaction of the
 * partition that owns the order, so the rejection is claimed and published once across instances,
 * restarts and rebalances.
 */
export const startDeadlineSweep = (options: DeadlineSweepOptions): DeadlineSweep => {
  const { deadlines, sagas, logger, metrics, now = () => new Date() } = options;
  const openOrders = gauge(metrics, 'saga_open_orders', 'Orders of the partitions this instance owns that have no outcome yet');
  const oldestAge = gauge(metrics, 'saga_open_order_oldest_age_seconds', 'How long the oldest order without an outcome has waited since it was placed');
  const exceeded = counter(metrics, 'saga_deadline_exceeded_total', 'Orders announced past their deadline (each order once per instance that announced it)');
  gauge(metrics, 'saga_order_deadline_seconds', 'How long an order may stay without an outcome before the saga rejects it (ORDER_DEADLINE_MS)').set(options.deadlineMs / 1000);

  const sweep = async (): Promise<void> => {
    const at = now();
    const open = await deadlines.ofPartitions(options.ownedPartitions());
    const stats = openOrderStats(open, at);
    openOrders.set(stats.count);
    oldestAge.set(stats.oldestAgeSeconds);
    const due = deadlinesToAnnounce(open, at, options.reannounceAfterMs);
    if (due.length === 0) return;
    // An order final already (cancelled, or its outcome still on its way back) needs no announcement.
    const outcomes = await Promise.all(due.map((deadline) => sagas.readOutcome(deadline.orderId)));
    const decided = due.filter((_, index) => outcomes[index] !== undefined);
    const overdue = due.filter((_, index) => outcomes[index] === undefined);
    await deadlines.clear(decided.map((deadline) => deadline.orderId));
    if (overdue.length === 0) return;
    await options.announce(overdue.map(announcement));
    await deadlines.markAnnounced(
      overdue.map((deadline) => deadline.orderId),
      at,
    );
    for (const deadline of overdue) {
      if (deadline.announcedAt === null) exceeded.inc();
      logger.warn('order past its deadline; rejecting it', { orderId: deadline.orderId, placedAt: deadline.placedAt.toISOString(), dueAt: deadline.dueAt.toISOString() });
    }
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const loop = (): void => {
    timer = setTimeout(() => {
      running = sweep()
        .catch((error: unknown) => {
          logger.warn('deadline sweep failed; trying again next pass', { reason: (error as Error).message });
        })
        .finally(() => {
          if (!stopped) loop();
        });
    }, options.intervalMs);
  };
  loop();
  return {
    sweep,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
};
