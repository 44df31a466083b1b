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
  /** Why it was rejected or declined: the saga's rejection detail once it is rejected. */
  reason: string | null;
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

/**
 * What a rejection's reason says caused it. The read model keeps the saga's detail (see rejectionOf
 * in libs/order-saga/src/decide.ts), or its reason code when there is no detail.
 */
const rejectionCauses: readonly [pattern: RegExp, cause: string][] = [
  [/^(not enough stock|OUT_OF_STOCK)/, 'out of stock'],
  [/^stock reservation failed/, 'stock failed'],
  [/^(payment declined|PAYMENT_DECLINED)/, 'payment declined'],
  [/^payment failed/, 'payment failed'],
  [/^(no outcome by the deadline|DEADLINE_EXCEEDED)/, 'deadline'],
];

/** How a final order ended, for the verdict's counts: its status, and for a rejection what caused it. */
export const outcomeOf = (view: Pick<OrderView, 'status' | 'reason'>): string => {
  if (view.status !== 'REJECTED') return view.status;
  const cause = rejectionCauses.find(([pattern]) => pattern.test(view.reason ?? ''))?.[1] ?? 'other';
  return `REJECTED: ${cause}`;
};

/** How many orders ended each way. */
export const countOutcomes = (views: Iterable<Pick<OrderView, 'status' | 'reason'>>): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const view of views) {
    const outcome = outcomeOf(view);
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  return counts;
};

const stepFailures = new Set(['STOCK_FAILED', 'PAYMENT_FAILED']);

/**
 * Orders rejected at their deadline although a step had stated its failure at least `slackMs`
 * before: the saga ranks a failed step above the deadline, so it missed or ignored that fact. The
 * slack leaves room for a failure stated just before the deadline, still on its way to the saga.
 */
export const failuresOverlooked = (views: Iterable<Pick<OrderView, 'orderId' | 'status' | 'reason' | 'timeline'>>, slackMs: number): string[] => {
  const overlooked: string[] = [];
  for (const view of views) {
    if (outcomeOf(view) !== 'REJECTED: deadline') continue;
    const rejectedAt = Date.parse(view.timeline.find((entry) => entry.step === 'REJECTED')?.at ?? '');
    const failedAt = Math.min(...view.timeline.filter((entry) => stepFailures.has(entry.step)).map((entry) => Date.parse(entry.at)));
    if (rejectedAt - failedAt >= slackMs) overlooked.push(view.orderId);
  }
  return overlooked;
};
