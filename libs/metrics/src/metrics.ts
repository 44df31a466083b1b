import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type MetricsRegistry = Registry;

/**
 * A registry per service (not prom-client's global one), so two services in one process (tests,
 * `npm start` in one terminal) never mix their series, with the process metrics every dashboard expects.
 */
export const createMetricsRegistry = (service: string): Registry => {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
};

/**
 * Metrics are created once per registry and name: two consumers of one service share the series
 * and tell themselves apart by labels, instead of failing on a duplicate registration.
 */
const existing = <M>(registry: Registry, name: string): M | undefined => registry.getSingleMetric(name) as M | undefined;

export const counter = <L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[] = []): Counter<L> =>
  existing<Counter<L>>(registry, name) ?? new Counter<L>({ name, help, labelNames, registers: [registry] });

export const gauge = <L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[] = []): Gauge<L> =>
  existing<Gauge<L>>(registry, name) ?? new Gauge<L>({ name, help, labelNames, registers: [registry] });

export const histogram = <L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  buckets: number[] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
): Histogram<L> => existing<Histogram<L>>(registry, name) ?? new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] });

/**
 * A gauge read when Prometheus scrapes (prom-client's collect): for a state that is cheaper to ask
 * than to track, such as whether a dependency answers now.
 */
export const sampledGauge = <L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[], sample: (gauge: Gauge<L>) => Promise<void>): Gauge<L> =>
  existing<Gauge<L>>(registry, name) ??
  new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      await sample(this);
    },
  });
