import { backboneSettings, consumerSettings, loadSettings, port, setting, text, topicSettings } from '@tributary/config';

export const orderProjectorSettings = {
  ...backboneSettings,
  ...topicSettings,
  ...consumerSettings,
  groupId: setting('ORDER_PROJECTOR_GROUP', text('order-projector'), 'Consumer group of the order projector'),
  port: setting('ORDER_PROJECTOR_PORT', port(3002), 'Port of the projector\'s health and metrics endpoints'),
  host: setting('HTTP_HOST', text('127.0.0.1'), 'Interface HTTP servers listen on (0.0.0.0 in containers)'),
};

export type OrderProjectorSettings = ReturnType<typeof loadOrderProjectorSettings>;

export const loadOrderProjectorSettings = (env: Record<string, string | undefined> = process.env) => loadSettings(orderProjectorSettings, env);
