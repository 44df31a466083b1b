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
