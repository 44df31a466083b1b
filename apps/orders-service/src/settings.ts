import { hostname } from 'node:os';
import { backboneSettings, consumerSettings, loadSettings, port, positiveInt, setting, text, topicSettings } from '@tributary/config';

export const ordersServiceSettings = {
  ...backboneSettings,
  ...topicSettings,
  ...consumerSettings,
  groupId: setting('ORDERS_SERVICE_GROUP', text('orders-service'), 'Consumer group of the order saga'),
  port: setting('ORDERS_SERVICE_PORT', port(3005), "Port of the order saga's health and metrics endpoints"),
  instanceId: setting('INSTANCE_ID', text(hostname()), 'Names this instance across restarts in its Kafka transactional id, so a restarted instance fences the transaction its predecessor left open (default: the host name, i.e. the pod name in Kubernetes)'),
  orderDeadlineMs: setting('ORDER_DEADLINE_MS', positiveInt(30_000, 86_400_000), 'How long an order may take from OrderPlaced to its outcome; an order still open then is rejected with reason DEADLINE_EXCEEDED and its stock released'),
  deadlineSweepMs: setting('ORDER_DEADLINE_SWEEP_MS', positiveInt(1_000, 60_000), 'How often each instance looks for overdue orders among the partitions it owns'),
  host: setting('HTTP_HOST', text('127.0.0.1'), 'Interface HTTP servers listen on (0.0.0.0 in containers)'),
};

export type OrdersServiceSettings = ReturnType<typeof loadOrdersServiceSettings>;

export const loadOrdersServiceSettings = (env: Record<string, string | undefined> = process.env) => loadSettings(ordersServiceSettings, env);
