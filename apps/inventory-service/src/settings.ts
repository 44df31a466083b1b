import { hostname } from 'node:os';
import { backboneSettings, consumerSettings, loadSettings, port, setting, text, topicSettings } from '@tributary/config';

export const inventoryServiceSettings = {
  ...backboneSettings,
  ...topicSettings,
  ...consumerSettings,
  groupId: setting('INVENTORY_SERVICE_GROUP', text('inventory-service'), 'Consumer group of the inventory service'),
  port: setting('INVENTORY_SERVICE_PORT', port(3003), 'Port of the inventory service\'s stock admin, health and metrics endpoints'),
  instanceId: setting('INSTANCE_ID', text(hostname()), 'Names this instance across restarts in its Kafka transactional id, so a restarted instance fences the transaction its predecessor left open (default: the host name, i.e. the pod name in Kubernetes)'),
  host: setting('HTTP_HOST', text('127.0.0.1'), 'Interface HTTP servers listen on (0.0.0.0 in containers)'),
};

export type InventoryServiceSettings = ReturnType<typeof loadInventoryServiceSettings>;

export const loadInventoryServiceSettings = (env: Record<string, string | undefined> = process.env) => loadSettings(inventoryServiceSettings, env);
