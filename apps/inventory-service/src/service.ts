import { stepFailurePublisher } from '@tributary/order-saga';
import { defineService, transformPerKey, type ConsumingService } from '@tributary/service';
import { inventoryApi } from './api.ts';
import { createInventory } from './inventory.ts';
import { inventoryMetrics } from './inventory-metrics.ts';
import { openReservations } from './reservations.ts';
import { inventoryServiceSettings, type InventoryServiceSettings } from './settings.ts';
import { stockRoutes } from './stock-routes.ts';

export { createInventory, type Inventory, type InventoryObserver, type InventoryOptions } from './inventory.ts';
export { openReservations, reservationsCollection, type ReservationStore } from './reservations.ts';
export type { Reservation, ReservationStatus } from './reservation.ts';

export const serviceName = 'inventory-service';
export type InventoryService = ConsumingService;

/** Orders of one batch handled at once; each order's own events stay in order. */
const orderConcurrency = 16;

/** Reserves stock for placed orders and answers on the inventory stream; PUT /stock/:sku sets stock. */
export const startInventoryService = defineService({
  name: serviceName,
  settings: inventoryServiceSettings,
  uses: (settings: InventoryServiceSettings) => ({ store: true, consumes: [settings.ordersTopic], produces: [settings.inventoryTopic] }),
  domain: ({ settings, store, producer, metrics }) => {
    const observer = inventoryMetrics(metrics);
    const inventory = createInventory({ db: store.db, reservations: openReservations(store.db), observer });
    const answers = { producer, groupId: settings.groupId, topic: settings.inventoryTopic, concurrency: orderConcurrency };
    return {
      consumer: {
        handleBatch: transformPerKey(answers, (consumed) => inventory.handle(consumed)),
        // An order whose OrderPlaced cannot be handled holds nothing; the saga rejects it at once.
        onDeadLetter: stepFailurePublisher({ producer, groupId: settings.groupId, topic: settings.inventoryTopic, eventType: 'StockReservationFailed', handles: 'OrderPlaced' }),
      },
      routes: stockRoutes(store.db, { onConflict: observer.conflict }),
      api: inventoryApi,
    };
  },
});
