import { backboneSettings, commandSettings, httpSettings, loadSettings, port, positiveInt, setting, topicSettings } from '@tributary/config';

export const ordersApiSettings = {
  ...backboneSettings,
  ...topicSettings,
  ...httpSettings,
  ...commandSettings,
  port: setting('ORDERS_API_PORT', port(3000), 'Port of the orders API'),
  publishTimeoutMs: setting('PUBLISH_TIMEOUT_MS', positiveInt(5_000, 120_000), 'Longest wait for Kafka to confirm an order or cancellation before the request is answered 503 KAFKA_UNAVAILABLE'),
};

export type OrdersApiSettings = ReturnType<typeof loadOrdersApiSettings>;

export const loadOrdersApiSettings = (env: Record<string, string | undefined> = process.env) => loadSettings(ordersApiSettings, env);
