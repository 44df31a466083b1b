import { formatDecimal, parseDecimal } from '@tributary/avro';
import { amountScale } from './behaviour.ts';

export interface PaymentRequest {
  orderId: string;
  /** Decimal text: "19.99" and "19.9900" are the same amount. */
  amount: string;
  currency: string;
}

/** The first completed answer for an idempotency key, and what was asked to get it. */
export interface IdempotencyRecord<A> {
  fingerprint: string;
  answer: A;
}

export type Recall<A> = { kind: 'new' } | { kind: 'replay'; answer: A } | { kind: 'conflict' };

/** Two requests are the same when they ask for the same thing, however the amount was written. */
export const fingerprintOf = ({ orderId, amount, currency }: PaymentRequest): string =>
  JSON.stringify([orderId, formatDecimal(parseDecimal(amount, amountScale), amountScale), currency]);

/** A repeat gets the stored answer; a different request under a used key is refused. */
export const recall = <A>(record: IdempotencyRecord<A> | undefined, fingerprint: string): Recall<A> => {
  if (!record) return { kind: 'new' };
  return record.fingerprint === fingerprint ? { kind: 'replay', answer: record.answer } : { kind: 'conflict' };
};
