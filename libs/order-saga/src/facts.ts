import { formatDecimal, parseDecimal } from '@tributary/avro';
import type { EventPayloads } from '@tributary/contracts';

/**
 * What the saga knows about one order, gathered from three topics in whatever order they arrive.
 * Each fact is its own field, written with a plain $set, so facts from partitions handled at the
 * same time never overwrite each other.
 */
export interface SagaFacts {
  orderId: string;
  placed?: { customerId: string; total: string; currency: string; at: Date };
  stock?: { outcome: 'RESERVED'; customerId: string | null; amount: string | null; currency: string | null; at: Date } | { outcome: 'REJECTED'; shortSkus: string[]; at: Date } | StepFailure;
  payment?: { outcome: 'AUTHORIZED'; amount: string; currency: string; at: Date } | { outcome: 'DECLINED'; reason: string; at: Date } | StepFailure;
  cancelled?: { at: Date };
  /** The order's deadline passed before any outcome (the sweep's OrderDeadlinePassed). */
  deadline?: { at: Date };
}

/** A step whose record was dead-lettered: no retry will bring its outcome, so the saga must not wait for it. */
export interface StepFailure {
  outcome: 'FAILED';
  errorCode: string;
  detail: string;
  at: Date;
}

/** The event types the saga learns from; every other type on its topics is not for it. */
export const sagaEventTypes = [
  'OrderPlaced',
  'OrderCancelled',
  'OrderDeadlinePassed',
  'StockReserved',
  'StockRejected',
  'StockReservationFailed',
  'PaymentAuthorized',
  'PaymentDeclined',
  'PaymentFailed',
] as const;
export type SagaEventType = (typeof sagaEventTypes)[number];
export type SagaEvent = { [K in SagaEventType]: { eventType: K; payload: EventPayloads[K] } }[SagaEventType];

export const isSagaEventType = (eventType: string): eventType is SagaEventType => (sagaEventTypes as readonly string[]).includes(eventType);

const moneyScale = 4;

const orderTotal = (items: readonly { quantity: number; unitPrice: string }[]): string =>
  formatDecimal(
    items.reduce((sum, line) => sum + BigInt(line.quantity) * parseDecimal(line.unitPrice, moneyScale), 0n),
    moneyScale,
  );

const stepFailure = ({ errorCode, detail, failedAt }: { errorCode: string; detail: string; failedAt: Date }): StepFailure => ({ outcome: 'FAILED', errorCode, detail, at: failedAt });

/** The fields one event sets on its order's facts. */
export const factOf = (event: SagaEvent): Partial<Omit<SagaFacts, 'orderId'>> => {
  switch (event.eventType) {
    case 'OrderPlaced': {
      const { customerId, currency, items, placedAt } = event.payload;
      return { placed: { customerId, currency, total: orderTotal(items), at: placedAt } };
    }
    case 'OrderCancelled':
      return { cancelled: { at: event.payload.cancelledAt } };
    case 'OrderDeadlinePassed':
      return { deadline: { at: event.payload.deadlineAt } };
    case 'StockReserved': {
      const { customerId, amount, currency, reservedAt } = event.payload;
      return { stock: { outcome: 'RESERVED', customerId, amount, currency, at: reservedAt } };
    }
    case 'StockRejected':
      return { stock: { outcome: 'REJECTED', shortSkus: event.payload.shortSkus.map((line) => line.sku), at: event.payload.rejectedAt } };
    case 'StockReservationFailed':
      return { stock: stepFailure(event.payload) };
    case 'PaymentAuthorized': {
      const { amount, currency, authorizedAt } = event.payload;
      return { payment: { outcome: 'AUTHORIZED', amount, currency, at: authorizedAt } };
    }
    case 'PaymentDeclined':
      return { payment: { outcome: 'DECLINED', reason: event.payload.reason, at: event.payload.declinedAt } };
    case 'PaymentFailed':
      return { payment: stepFailure(event.payload) };
  }
};

/** Who placed the order, from whichever fact carries it first. */
export const customerOf = (facts: SagaFacts): string | undefined =>
  facts.placed?.customerId ?? (facts.stock?.outcome === 'RESERVED' ? (facts.stock.customerId ?? undefined) : undefined);
