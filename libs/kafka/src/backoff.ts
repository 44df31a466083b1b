export interface BackoffPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const defaultBackoff: BackoffPolicy = { attempts: 5, initialDelayMs: 200, maxDelayMs: 5_000 };

/**
 * Exponential backoff with jitter: the delay doubles per attempt up to the cap, and a random half
 * of it is dropped so that many consumers failing together do not retry in lockstep.
 */
export const backoffDelay = (attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number => {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
};
