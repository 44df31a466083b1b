import { parseDecimal } from '@tributary/avro';

/** The states an order ends in; in any other the saga still owes it an outcome. */
export const finalStatuses: readonly string[] = ['CONFIRMED', 'REJECTED', 'CANCELLED'];

export const isFinal = (status: string | undefined): boolean => status !== undefined && finalStatuses.includes(status);

/** An order as query-api shows it: the fields the invariants read. */
export interface OrderView {
  orderId: string;
  status: string;
  customerId: string | null;
  items: { sku: string; quantity: number }[];
  total: string | null;
  timeline: { step: string; at: string }[];
}

/**
 * Where an accepted order stands once the flow has had its time (see stuckAfter):
 * - `final`: CONFIRMED, REJECTED or CANCELLED;
 * - `lost`: never seen in the read model at all: its OrderPlaced never reached the projector, or
 *   the projection dropped it;
 * - `stuck`: in the read model, but not final although its saga deadline and a margin have passed:
 *   a step or the saga dropped it, and not even the deadline sweep rejected it.
 */
export type Standing = 'final' | 'lost' | 'stuck';

export const standingOf = (view: Pick<OrderView, 'status'> | undefined): Standing => {
  if (view === undefined) return 'lost';
  return isFinal(view.status) ? 'final' : 'stuck';
};

export interface StuckClock {
  /** When the fault was over and everything it took away was back. */
  faultEndedAt: number;
  /** When the last order was placed: no order was accepted after this. */
  loadEndedAt: number;
  /** The saga's deadline (ORDER_DEADLINE_MS): an order still open that long after it was placed is rejected. */
  deadlineMs: number;
  /** For the flow to recover from the fault (reconnects, rebalances) and for outcomes to reach the read model. */
  marginMs: number;
}

/**
 * The moment from which an accepted order that is not final is stuck. A deadline cannot fire while
 * the fault keeps the saga from publishing, so the clock starts at the later of the fault's end and
 * the last order placed.
 */
export const stuckAfter = ({ faultEndedAt, loadEndedAt, deadlineMs, marginMs }: StuckClock): number => Math.max(faultEndedAt, loadEndedAt) + deadlineMs + marginMs;

/** Money in the events has four decimal places. */
const moneyScale = 4;

/**
 * How often the gateway should have charged a confirmed order: once, except for a zero total, which
 * payments-service authorizes itself without calling the gateway (authorization id 'no-charge').
 */
export const expectedCharges = (view: Pick<OrderView, 'total'>): number => (view.total !== null && parseDecimal(view.total, moneyScale) === 0n ? 0 : 1);

/** The step that explains a rejection, in the order the saga weighs them; none of them means the deadline did it. */
const rejectionCauses: readonly [step: string, cause: string][] = [
  ['STOCK_REJECTED', 'out of stock'],
  ['STOCK_FAILED', 'stock failed'],
  ['PAYMENT_DECLINED', 'payment declined'],
  ['PAYMENT_FAILED', 'payment failed'],
];

/**
 * How a final order ended, for the verdict's counts: its status, and for a rejection the first
 * step that came no later than it. A step failure seen only after the rejection did not cause it.
 */
export const outcomeOf = (view: Pick<OrderView, 'status' | 'timeline'>): string => {
  if (view.status !== 'REJECTED') return view.status;
  const rejectedAt = view.timeline.find((entry) => entry.step === 'REJECTED')?.at;
  const before = new Set(view.timeline.filter((entry) => rejectedAt === undefined || entry.at <= rejectedAt).map((entry) => entry.step));
  const cause = rejectionCauses.find(([step]) => before.has(step))?.[1] ?? 'deadline';
  return `REJECTED: ${cause}`;
};

/** How many orders ended each way. */
export const countOutcomes = (views: Iterable<Pick<OrderView, 'status' | 'timeline'>>): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const view of views) {
    const outcome = outcomeOf(view);
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  return counts;
};
