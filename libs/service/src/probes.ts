import { sampledGauge, type MetricsRegistry } from '@tributary/metrics';
import type { Store } from '@tributary/store';

export interface DependencyProbes {
  store: Store | undefined;
  /** The schema registry of a service on Kafka; undefined for one without Kafka. */
  registryUrl: string | undefined;
  registryReachable: (registryUrl: string) => Promise<boolean>;
}

/**
 * dependency_reachable{dependency}: whether the store and the schema registry answer, asked at each
 * scrape. A service keeps working a while without the registry (its schemas are cached), so only
 * this tells an alert that it is gone before the first new schema id fails.
 */
export const probeDependencies = (metrics: MetricsRegistry, { store, registryUrl, registryReachable }: DependencyProbes): void => {
  if (!store && registryUrl === undefined) return;
  sampledGauge(metrics, 'dependency_reachable', '1 while the dependency (store, schema_registry) answers, 0 when it does not; asked at each scrape', ['dependency'], async (gauge) => {
    const [storeUp, registryUp] = await Promise.all([store?.ping().catch(() => false), registryUrl === undefined ? undefined : registryReachable(registryUrl)]);
    if (storeUp !== undefined) gauge.set({ dependency: 'store' }, storeUp ? 1 : 0);
    if (registryUp !== undefined) gauge.set({ dependency: 'schema_registry' }, registryUp ? 1 : 0);
  });
};
