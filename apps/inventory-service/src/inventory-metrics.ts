import { counter, type MetricsRegistry } from '@tributary/metrics';
import type { InventoryObserver } from './inventory.ts';

/** The inventory's counters, as the observer its decisions report to. */
export const inventoryMetrics = (metrics: MetricsRegistry): Required<InventoryObserver> => {
  const reservations = counter(metrics, 'inventory_reservations_total', 'Orders decided, by outcome (reserved: every line held; rejected: some line short)', ['outcome']);
  const releases = counter(metrics, 'inventory_releases_total', 'Reservations given back because the order was cancelled or rejected');
  const confirmations = counter(metrics, 'inventory_confirmations_total', 'Reservations made final by a confirmed order');
  const conflicts = counter(metrics, 'inventory_stock_conflicts_total', 'Stock changes that lost a race to another writer and were decided again');
  return {
    decided: (outcome) => reservations.inc({ outcome }),
    released: () => releases.inc(),
    confirmed: () => confirmations.inc(),
    conflict: () => conflicts.inc(),
  };
};
