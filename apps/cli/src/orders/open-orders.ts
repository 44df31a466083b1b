import type { OrderView } from '@tributary/order-views';
import { formatSeconds } from '../durations.ts';
import { formatTable } from '../table.ts';

/** One open order as `tributary orders open` shows it: where it stands, and since when. */
export interface OpenOrderRow {
  orderId: string;
  status: string;
  customerId: string | null;
  placedAt: string | null;
  /** Since placement; null while the order's OrderPlaced is not projected. */
  ageSeconds: number | null;
  /** The latest step of its timeline: where it stopped. */
  lastStep: string | null;
  lastStepAt: string | null;
  reason: string | null;
}

const secondsSince = (at: string | null, now: Date): number | null => (at === null ? null : Math.max(0, (now.getTime() - Date.parse(at)) / 1000));

export const openOrderRow = (view: OrderView, now: Date): OpenOrderRow => {
  // The projector keeps the timeline sorted by time, so its last entry is the latest step.
  const last = view.timeline.at(-1);
  return {
    orderId: view.orderId,
    status: view.status,
    customerId: view.customerId,
    placedAt: view.placedAt,
    ageSeconds: secondsSince(view.placedAt, now),
    lastStep: last?.step ?? null,
    lastStepAt: last?.at ?? null,
    reason: view.reason,
  };
};

/** The rows as a table: ORDER, STATUS, AGE, CUSTOMER, LAST STEP (and how long ago), REASON. */
export const formatOpenOrders = (rows: readonly OpenOrderRow[], now: Date): string[] =>
  formatTable(
    ['ORDER', 'STATUS', 'AGE', 'CUSTOMER', 'LAST STEP', 'REASON'],
    rows.map((row) => {
      const sinceLastStep = secondsSince(row.lastStepAt, now);
      return [
        row.orderId,
        row.status,
        row.ageSeconds === null ? '-' : formatSeconds(row.ageSeconds),
        row.customerId ?? '-',
        row.lastStep === null ? '-' : `${row.lastStep}${sinceLastStep === null ? '' : ` ${formatSeconds(sinceLastStep)} ago`}`,
        row.reason ?? '-',
      ];
    }),
  );

/** The line under the table: how many, which ones, and whether the list was cut short. */
export const openOrdersSummary = (rows: readonly OpenOrderRow[], { olderThan, more }: { olderThan: string | undefined; more: boolean }): string => {
  const which = (count: number) => `open order${count === 1 ? '' : 's'}${olderThan === undefined ? '' : ` placed more than ${olderThan} ago`}`;
  if (rows.length === 0) return `no ${which(0)}`;
  if (more) return `more than ${rows.length} ${which(2)}: the newest ${rows.length} shown; raise --limit for the rest`;
  const oldest = Math.max(...rows.map((row) => row.ageSeconds ?? 0));
  return `${rows.length} ${which(rows.length)}, the oldest placed ${formatSeconds(oldest)} ago`;
};
