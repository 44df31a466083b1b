import { createHash } from 'node:crypto';
import { parseDecimal } from '@tributary/avro';
import { amountScale, type Behaviour } from './behaviour.ts';

export type DeclineReason = 'AMOUNT_OVER_LIMIT' | 'DECLINED_BY_ISSUER';

export type Decision = { status: 'AUTHORIZED' } | { status: 'DECLINED'; reason: DeclineReason };

/**
 * The gateway's answer to a valid request. `roll` is a uniform random number in [0, 1): passed in,
 * so the rule is a pure function a test can drive.
 */
export const decide = (amount: string, behaviour: Pick<Behaviour, 'declineAbove' | 'declineRate'>, roll: number): Decision => {
  if (parseDecimal(amount, amountScale) > parseDecimal(behaviour.declineAbove, amountScale)) return { status: 'DECLINED', reason: 'AMOUNT_OVER_LIMIT' };
  if (roll < behaviour.declineRate) return { status: 'DECLINED', reason: 'DECLINED_BY_ISSUER' };
  return { status: 'AUTHORIZED' };
};

/** Whether this request gets an injected failure instead of an answer. */
export const failsNow = (behaviour: Pick<Behaviour, 'failureRate'>, roll: number): boolean => roll < behaviour.failureRate;

export type RefusalReason = 'CURRENCY_REFUSED' | 'REFUSED_BY_NETWORK';

/**
 * Whether the gateway refuses the request itself, which no retry changes. `keyRoll` is the
 * idempotency key's fixed place in [0, 1) (see rollOfKey), so the same key always gets the same verdict.
 */
export const refusalOf = (
  request: { currency: string },
  behaviour: Pick<Behaviour, 'refusedCurrencies' | 'rejectRate'>,
  keyRoll: number,
): RefusalReason | undefined => {
  if (behaviour.refusedCurrencies.includes(request.currency)) return 'CURRENCY_REFUSED';
  if (keyRoll < behaviour.rejectRate) return 'REFUSED_BY_NETWORK';
  return undefined;
};

/** A key's place in [0, 1): the first 32 bits of its SHA-256, spread evenly whatever the keys look like. */
export const rollOfKey = (key: string): number => createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
