import { defineService, type ConsumingService } from '@tributary/service';
import { openProjections } from './projections.ts';
import { orderProjectorSettings, type OrderProjectorSettings } from './settings.ts';

export const serviceName = 'order-projector';
export type OrderProjector = ConsumingService;

/** Projects the order lifecycle into the order view and customer summary read models. */
export const startOrderProjector = defineService({
  name: serviceName,
  settings: orderProjectorSettings,
  // The order view is built from all three streams; each order's events share its id as key.
  uses: ({ ordersTopic, inventoryTopic, paymentsTopic }: OrderProjectorSettings) => ({ store: true, consumes: [ordersTopic, inventoryTopic, paymentsTopic] }),
  domain: async ({ settings, store, metrics, logger, tracer }) => ({
    consumer: { handleBatch: await openProjections({ db: store.db, metrics, logger, tracer, ordersTopic: settings.ordersTopic, groupId: settings.groupId }) },
  }),
});
