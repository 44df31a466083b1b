import { commandRateLimit } from '@tributary/http';
import { openSagaStore } from '@tributary/order-saga';
import { defineService, type StartedService } from '@tributary/service';
import { ordersApi } from './api.ts';
import { orderRoutes } from './routes.ts';
import { ordersApiSettings, type OrdersApiSettings } from './settings.ts';

export const serviceName = 'orders-api';

const rateLimitOf = (settings: OrdersApiSettings) => ({ limit: settings.commandRateLimit, windowMs: settings.commandRateWindowMs });
export type OrdersApi = StartedService;

/** HTTP commands for orders, published to the orders stream; cancelling reads the saga's record. */
export const startOrdersApi = defineService({
  name: serviceName,
  settings: ordersApiSettings,
  uses: (settings: OrdersApiSettings) => ({ store: true, produces: [settings.ordersTopic] }),
  domain: ({ settings, store, producer, logger, metrics }) => {
    const limiter = commandRateLimit(rateLimitOf(settings));
    return {
      routes: orderRoutes({ producer, sagas: openSagaStore(store.db), settings, limiter, logger, metrics }),
      api: ordersApi,
      reconfigure: (next) => limiter.reconfigure(rateLimitOf(next)),
    };
  },
});
