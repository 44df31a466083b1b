export { createBreaker, type Breaker, type BreakerOptions } from './breaker.ts';
export { breakerMetrics, stateValue, type BreakerState, type CallOutcome } from './breaker-metrics.ts';
