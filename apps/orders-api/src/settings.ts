import { backboneSettings, commandSettings, httpSettings, loadSettings, port, setting, topicSettings } from '@tributary/config';

export const ordersApiSettings = {
  ...backboneSettings,
  ...topicSettings,
  ...httpSettings,
  ...commandSettings,
  port: setting('ORDERS_API_PORT', port(3000), 'Port of the orders API'),
};

export type OrdersApiSettings = ReturnType<typeof loadOrdersApiSettings>;

export const loadOrdersApiSettings = (env: Record<string, string | undefined> = process.env) => loadSettings(ordersApiSettings, env);
