import { backboneSettings, loadSettings, port, setting, text, topicSettings } from '@tributary/config';

export const ordersApiSettings = {
  ...backboneSettings,
  ...topicSettings,
  port: setting('ORDERS_API_PORT', port(3000), 'Port of the orders API'),
  host: setting('HTTP_HOST', text('127.0.0.1'), 'Interface HTTP servers listen on (0.0.0.0 in containers)'),
  bodyLimit: setting('HTTP_BODY_LIMIT', text('64kb'), 'Largest accepted request body'),
};

export type OrdersApiSettings = ReturnType<typeof loadOrdersApiSettings>;

export const loadOrdersApiSettings = (env: Record<string, string | undefined> = process.env) => loadSettings(ordersApiSettings, env);
