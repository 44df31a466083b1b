import { counter, gauge, type MetricsRegistry } from '@tributary/metrics';

export type BreakerState = 'closed' | 'open' | 'halfOpen';

/**
 * What became of one call: it succeeded, it failed in a way that counts against the breaker
 * (a failure or a timeout), it was short-circuited without reaching the dependency (rejected),
 * or it failed in a way that says nothing about the dependency's health (ignored).
 */
export type CallOutcome = 'success' | 'failure' | 'timeout' | 'rejected' | 'ignored';

const outcomes: readonly CallOutcome[] = ['success', 'failure', 'timeout', 'rejected', 'ignored'];
const states: readonly BreakerState[] = ['closed', 'halfOpen', 'open'];

/** Gauge values, ordered by how bad: alert rules can use `breaker_state == 2` or `> 0`. */
export const stateValue: Record<BreakerState, number> = { closed: 0, halfOpen: 1, open: 2 };

/** The breaker's series; every one starts at zero so dashboards show a breaker before its first call. */
export const breakerMetrics = (registry: MetricsRegistry, breaker: string) => {
  const state = gauge(registry, 'breaker_state', 'Circuit breaker state: 0 closed, 1 half-open, 2 open', ['breaker']);
  const calls = counter(registry, 'breaker_calls_total', 'Calls through a circuit breaker, by outcome (rejected: short-circuited while open)', ['breaker', 'outcome']);
  const openSeconds = counter(registry, 'breaker_open_seconds_total', 'Time a circuit breaker has spent open', ['breaker']);
  // A gauge sampled every scrape misses a breaker that opens and closes between two scrapes; this
  // counter does not, so an alert can tell a flapping breaker from a steady one.
  const changes = counter(registry, 'breaker_state_changes_total', 'Times a circuit breaker entered each state', ['breaker', 'state']);
  state.set({ breaker }, stateValue.closed);
  for (const outcome of outcomes) calls.inc({ breaker, outcome }, 0);
  for (const value of states) changes.inc({ breaker, state: value }, 0);
  openSeconds.inc({ breaker }, 0);
  return {
    state: (value: BreakerState) => {
      state.set({ breaker }, stateValue[value]);
      changes.inc({ breaker, state: value });
    },
    call: (outcome: CallOutcome) => calls.inc({ breaker, outcome }),
    open: (seconds: number) => openSeconds.inc({ breaker }, seconds),
  };
};
