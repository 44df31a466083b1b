import { hostname } from 'node:os';
import { backboneSettings, consumerSettings, httpUrl, loadSettings, port, positiveInt, setting, text, topicSettings } from '@tributary/config';

export const paymentsServiceSettings = {
  ...backboneSettings,
  ...topicSettings,
  ...consumerSettings,
  groupId: setting('PAYMENTS_SERVICE_GROUP', text('payments-service'), 'Consumer group of the payments service'),
  port: setting('PAYMENTS_SERVICE_PORT', port(3004), 'Port of the payments service\'s health and metrics endpoints'),
  instanceId: setting('INSTANCE_ID', text(hostname()), 'Names this instance across restarts in its Kafka transactional id, so a restarted instance fences the transaction its predecessor left open (default: the host name, i.e. the pod name in Kubernetes)'),
  host: setting('HTTP_HOST', text('127.0.0.1'), 'Interface HTTP servers listen on (0.0.0.0 in containers)'),
  gatewayUrl: setting('PAYMENT_GATEWAY_URL', httpUrl('http://127.0.0.1:3099'), 'Base URL of the payment gateway'),
  gatewayTimeoutMs: setting('PAYMENT_GATEWAY_TIMEOUT_MS', positiveInt(2_000, 600_000), 'A gateway call still unanswered after this long fails as a timeout', { reloadable: true }),
  gatewayConcurrency: setting('PAYMENT_GATEWAY_CONCURRENCY', positiveInt(8, 256), 'Gateway calls in flight at once for one batch of reserved orders'),
  breakerErrorThresholdPercent: setting('BREAKER_ERROR_THRESHOLD_PERCENT', positiveInt(50, 100), 'Share of failed gateway calls, in percent, above which the breaker opens', { reloadable: true }),
  breakerRollingWindowMs: setting('BREAKER_ROLLING_WINDOW_MS', positiveInt(10_000, 3_600_000), 'Window in which the breaker counts gateway calls and failures'),
  breakerVolumeThreshold: setting('BREAKER_VOLUME_THRESHOLD', positiveInt(5, 10_000), 'Gateway calls within the window before the breaker may open', { reloadable: true }),
  breakerResetTimeoutMs: setting('BREAKER_RESET_TIMEOUT_MS', positiveInt(5_000, 3_600_000), 'Time the breaker stays open before one probe call tests the gateway', { reloadable: true }),
};

export type PaymentsServiceSettings = ReturnType<typeof loadPaymentsServiceSettings>;

export const loadPaymentsServiceSettings = (env: Record<string, string | undefined> = process.env) => loadSettings(paymentsServiceSettings, env);
