import { TributaryError, classify, isTributaryError } from '@tributary/errors';
import type { Logger } from '@tributary/logger';
import type { MetricsRegistry } from '@tributary/metrics';
import CircuitBreaker from 'opossum';
import { breakerMetrics, type BreakerState, type CallOutcome } from './breaker-metrics.ts';

export interface BreakerOptions<A extends unknown[], R> {
  /** Names the breaker in logs and metrics labels (for example the dependency: `payment-gateway`). */
  name: string;
  /** The guarded call. A business answer (a declined payment) is a return value, never a rejection. */
  action: (...args: A) => Promise<R>;
  /** A call still running after this long counts as a timeout. */
  timeoutMs: number;
  /** Share of counted failures within the window above which the breaker opens. */
  errorThresholdPercentage: number;
  /** The window failures are counted in. */
  rollingWindowMs: number;
  /** Calls within the window before the breaker may open at all: two failures of two calls say little. */
  volumeThreshold: number;
  /** Time open before one probe call is let through (half-open). */
  resetTimeoutMs: number;
  metrics?: MetricsRegistry;
  logger: Logger;
}

/** What can change while the breaker runs (settings reloaded at run time); the window's length cannot. */
export type BreakerTuning = Pick<BreakerOptions<never, never>, 'timeoutMs' | 'errorThresholdPercentage' | 'volumeThreshold' | 'resetTimeoutMs'>;

export interface Breaker<A extends unknown[], R> {
  readonly name: string;
  /**
   * Calls the action through the breaker. Rejects with CIRCUIT_OPEN without calling it while open
   * (or half-open with the probe in flight), with TIMEOUT when it runs too long; the action's own
   * errors pass through unchanged.
   */
  fire(...args: A): Promise<R>;
  readonly state: BreakerState;
  /** True when a call may reach the dependency (closed or half-open): a paused consumer may resume. */
  allowsCalls(): boolean;
  /** Takes new thresholds and timeouts; the next call and the next failure go by them. */
  reconfigure(tuning: BreakerTuning): void;
  /** Stops the breaker's timers; later calls are rejected. */
  shutdown(): void;
}

/** opossum's own rejections carry these codes; the action's errors never pass for them (isOurError). */
const openCodes = new Set(['EOPENBREAKER', 'ESHUTDOWN', 'ESEMLOCKED']);

const codeOf = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

/** Only what the consumer runtime would retry says the dependency is unhealthy. */
const countsAgainst = (error: unknown): boolean => classify(error) === 'retry';

const outcomeOf = (error: unknown): CallOutcome => {
  if (!countsAgainst(error)) return 'ignored';
  return isTributaryError(error) && error.code === 'TIMEOUT' ? 'timeout' : 'failure';
};

/** opossum's own rejections (a timeout, an open circuit) become our errors; the action's pass through. */
const translate = (name: string, timeoutMs: number, error: unknown): { outcome: CallOutcome; error: unknown } => {
  if (error instanceof Error && CircuitBreaker.isOurError(error)) {
    if (codeOf(error) === 'ETIMEDOUT') {
      return { outcome: 'timeout', error: new TributaryError('TIMEOUT', `${name} did not answer within ${timeoutMs} ms`, { cause: error }) };
    }
    if (openCodes.has(String(codeOf(error)))) {
      return { outcome: 'rejected', error: new TributaryError('CIRCUIT_OPEN', `Circuit breaker ${name} is open: ${name} is failing, calls wait until it recovers`, { cause: error, details: { breaker: name } }) };
    }
  }
  return { outcome: outcomeOf(error), error };
};

/** opossum's names for the tunable options. */
const circuitTuning = (tuning: BreakerTuning) => ({
  timeout: tuning.timeoutMs,
  errorThresholdPercentage: tuning.errorThresholdPercentage,
  volumeThreshold: tuning.volumeThreshold,
  resetTimeout: tuning.resetTimeoutMs,
});

export const createBreaker = <A extends unknown[], R>(options: BreakerOptions<A, R>): Breaker<A, R> => {
  const { name, logger } = options;
  let tuning: BreakerTuning = { timeoutMs: options.timeoutMs, errorThresholdPercentage: options.errorThresholdPercentage, volumeThreshold: options.volumeThreshold, resetTimeoutMs: options.resetTimeoutMs };
  // opossum keeps this very object and reads timeout, errorThresholdPercentage and resetTimeout
  // from it at each call, failure and opening: reconfigure() changes them in place.
  const circuitOptions = {
    name,
    ...circuitTuning(tuning),
    rollingCountTimeout: options.rollingWindowMs,
    // opossum counts an error unless this says true: the caller's mistakes (a 4xx) never trip it.
    // It then takes the call as a success, so such an answer to the half-open probe closes the
    // breaker: the dependency did answer.
    errorFilter: (error: unknown) => !countsAgainst(error),
  };
  const circuit = new CircuitBreaker<A, R>(options.action, circuitOptions);
  // The volume threshold alone sits in a private field, read through this getter on each failure:
  // an own getter makes it follow reconfigure() too (breaker.unit.test.ts checks it still does).
  Object.defineProperty(circuit, 'volumeThreshold', { get: () => tuning.volumeThreshold });
  const metrics = options.metrics ? breakerMetrics(options.metrics, name) : undefined;
  let openedAt: number | undefined;
  let lastFailure: string | undefined;

  const stateOf = (): BreakerState => (circuit.closed ? 'closed' : circuit.halfOpen ? 'halfOpen' : 'open');

  const leaveOpen = (): void => {
    if (openedAt === undefined) return;
    metrics?.open((Date.now() - openedAt) / 1000);
    openedAt = undefined;
  };

  circuit.on('failure', (error: Error) => {
    lastFailure = error.message;
  });
  circuit.on('open', () => {
    openedAt = Date.now();
    metrics?.state('open');
    const { failures, fires } = circuit.stats;
    logger.warn('circuit breaker opened: calls fail fast until a probe succeeds', { breaker: name, failures, calls: fires, lastFailure, retryInMs: tuning.resetTimeoutMs });
  });
  circuit.on('halfOpen', () => {
    leaveOpen();
    metrics?.state('halfOpen');
    logger.info('circuit breaker half-open: the next call probes the dependency', { breaker: name });
  });
  circuit.on('close', () => {
    leaveOpen();
    metrics?.state('closed');
    logger.info('circuit breaker closed: calls flow again', { breaker: name });
  });

  return {
    name,
    get state() {
      return stateOf();
    },
    allowsCalls: () => stateOf() !== 'open',
    async fire(...args: A): Promise<R> {
      try {
        const result = await circuit.fire(...args);
        metrics?.call('success');
        return result;
      } catch (thrown) {
        const { outcome, error } = translate(name, tuning.timeoutMs, thrown);
        metrics?.call(outcome);
        throw error;
      }
    },
    reconfigure(next) {
      tuning = { ...next };
      Object.assign(circuitOptions, circuitTuning(tuning));
      logger.info('circuit breaker settings changed', { breaker: name, ...tuning });
    },
    shutdown() {
      leaveOpen();
      circuit.shutdown();
    },
  };
};
