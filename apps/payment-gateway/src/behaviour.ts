import { parseDecimal } from '@tributary/avro';
import { z } from 'zod';

/** How the simulated gateway behaves; set from the environment at start, changeable while it runs. */
export interface Behaviour {
  /** Delay before every answer. */
  latencyMs: number;
  /** Share of requests (0 to 1) answered 503 instead of being processed. */
  failureRate: number;
  /** Amounts above this are declined as over the limit. */
  declineAbove: string;
  /** Share of the remaining requests (0 to 1) declined at random, as an issuer would. */
  declineRate: number;
}

/** Money has at most four decimal places, as the Avro decimals of the payment events. */
export const amountScale = 4;

const isDecimal = (value: string): boolean => {
  try {
    parseDecimal(value, amountScale);
    return true;
  } catch {
    return false;
  }
};

export const decimalText = () => z.string().refine(isDecimal, `must be a decimal such as "19.99" with at most ${amountScale} decimal places`);

const share = (value: z.ZodNumber) => value.min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const delay = (value: z.ZodNumber) => value.int('must be a whole number').min(0, 'must be at least 0').max(600_000, 'must be at most 600000');

/** Readers for environment variables (text in, typed value out). */
export const behaviourReaders = {
  latencyMs: (fallback: number) => delay(z.coerce.number({ error: 'must be a number' })).default(fallback),
  share: (fallback: number) => share(z.coerce.number({ error: 'must be a number' })).default(fallback),
  decimal: (fallback: string) => decimalText().default(fallback),
};

/** A change sent to PUT /admin/behaviour: any subset of the fields, JSON-typed, nothing else. */
export const behaviourChange = z.strictObject({
  latencyMs: delay(z.number()).optional(),
  failureRate: share(z.number()).optional(),
  declineAbove: decimalText().optional(),
  declineRate: share(z.number()).optional(),
});

export type BehaviourChange = z.output<typeof behaviourChange>;

export const changeBehaviour = (current: Behaviour, change: BehaviourChange): Behaviour => {
  const next = { ...current };
  if (change.latencyMs !== undefined) next.latencyMs = change.latencyMs;
  if (change.failureRate !== undefined) next.failureRate = change.failureRate;
  if (change.declineAbove !== undefined) next.declineAbove = change.declineAbove;
  if (change.declineRate !== undefined) next.declineRate = change.declineRate;
  return next;
};
