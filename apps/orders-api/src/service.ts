import { openSagaStore } from '@tributary/order-saga';
import { defineService, type StartedService } from '@tributary/service';
import { ordersApi } from './api.ts';
import { orderRoutes } from './routes.ts';
import type { OrdersApiSettings } from './settings.ts';

export const serviceName = 'orders-api';
export type OrdersApi = StartedService;

/** HTTP commands for orders, published to the orders stream; cancelling reads the saga's record. */
export const startOrdersApi = defineService({
  name: serviceName,
  uses: (settings: OrdersApiSettings) => ({ store: true, produces: [settings.ordersTopic] }),
  domain: ({ settings, store, producer, logger, metrics }) => ({ routes: orderRoutes({ producer, sagas: openSagaStore(store.db), settings, logger, metrics }), api: ordersApi }),
});
