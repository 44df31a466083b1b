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
  /**
   * Share of idempotency keys (0 to 1) whose requests the gateway refuses with a 422, as a payment
   * network refuses a request it will never accept. Chosen by a hash of the key, not at random, so
   * every retry of a refused key is refused again while the share stays the same.
   */
  rejectRate: number;
  /** Currencies refused with a 422: the test's way to make chosen orders fail at payment every time. */
  refusedCurrencies: string[];
}

/** Money has at most four decimal places, as the Avro decimals of the payment events. */
export const amountScale = 4;

export const currencyCode = () => z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "EUR"');

/** A decimal as parseDecimal reads it, said as a pattern so the OpenAPI document says it too. */
export const decimalText = () => z.string().regex(/^-?[0-9]+(\.[0-9]{1,4})?$/, `must be a decimal such as "19.99" with at most ${amountScale} decimal places`);

/** An amount above zero: a nonzero digit before the point, or one among at most four after it. */
export const positiveDecimalText = () =>
  z.string().regex(/^([0-9]*[1-9][0-9]*(\.[0-9]{1,4})?|[0-9]+\.(0{0,3}[1-9]|0{0,2}[1-9][0-9]|0?[1-9][0-9]{2}|[1-9][0-9]{3}))$/, `must be a decimal above zero such as "19.99", with at most ${amountScale} decimal places`);

const share = (value: z.ZodNumber) => value.min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const delay = (value: z.ZodNumber) => value.int('must be a whole number').min(0, 'must be at least 0').max(600_000, 'must be at most 600000');

/** Readers for environment variables (text in, typed value out). */
export const behaviourReaders = {
  latencyMs: (fallback: number) => delay(z.coerce.number({ error: 'must be a number' })).default(fallback),
  share: (fallback: number) => share(z.coerce.number({ error: 'must be a number' })).default(fallback),
  decimal: (fallback: string) => decimalText().default(fallback),
  currencies: () =>
    z
      .string()
      .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0))
      .pipe(z.array(currencyCode(), { error: 'must be ISO 4217 codes such as "XTS,CHF", comma-separated' }))
      .default([]),
};

/** A change sent to PUT /admin/behaviour: any subset of the fields, JSON-typed, nothing else. */
export const behaviourChange = z.strictObject({
  latencyMs: delay(z.number()).optional(),
  failureRate: share(z.number()).optional(),
  declineAbove: decimalText().optional(),
  declineRate: share(z.number()).optional(),
  rejectRate: share(z.number()).optional(),
  refusedCurrencies: z.array(currencyCode()).max(200, 'must list at most 200 currencies').optional(),
});

export type BehaviourChange = z.output<typeof behaviourChange>;

export const changeBehaviour = (current: Behaviour, change: BehaviourChange): Behaviour => {
  const next = { ...current };
  if (change.latencyMs !== undefined) next.latencyMs = change.latencyMs;
  if (change.failureRate !== undefined) next.failureRate = change.failureRate;
  if (change.declineAbove !== undefined) next.declineAbove = change.declineAbove;
  if (change.declineRate !== undefined) next.declineRate = change.declineRate;
  if (change.rejectRate !== undefined) next.rejectRate = change.rejectRate;
  if (change.refusedCurrencies !== undefined) next.refusedCurrencies = [...new Set(change.refusedCurrencies)];
  return next;
};
