export { counter, createMetricsRegistry, gauge, histogram, sampledGauge, type MetricsRegistry } from './metrics.ts';
