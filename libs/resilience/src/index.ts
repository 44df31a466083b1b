export { createBreaker, type Breaker, type BreakerOptions, type BreakerTuning } from './breaker.ts';
export { breakerMetrics, stateValue, type BreakerState, type CallOutcome } from './breaker-metrics.ts';
