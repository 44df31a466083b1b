export { counter, createMetricsRegistry, gauge, histogram, type MetricsRegistry } from './metrics.ts';
