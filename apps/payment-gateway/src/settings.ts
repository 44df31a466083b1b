import { loadSettings, logLevels, oneOf, port, setting, settingsFileSettings, text, tracingSettings } from '@tributary/config';
import { behaviourReaders } from './behaviour.ts';

export const paymentGatewaySettings = {
  port: setting('PAYMENT_GATEWAY_PORT', port(3099), 'Port of the payment gateway simulator'),
  host: setting('HTTP_HOST', text('127.0.0.1'), 'Interface HTTP servers listen on (0.0.0.0 in containers)'),
  logLevel: setting('LOG_LEVEL', oneOf(logLevels, 'info'), 'Log level', { reloadable: true }),
  ...settingsFileSettings,
  ...tracingSettings,
  latencyMs: setting('GATEWAY_LATENCY_MS', behaviourReaders.latencyMs(20), 'Delay before every gateway answer (changeable at run time: PUT /admin/behaviour)'),
  failureRate: setting('GATEWAY_FAILURE_RATE', behaviourReaders.share(0), 'Share of requests, 0 to 1, answered 503 instead of being processed'),
  declineAbove: setting('GATEWAY_DECLINE_ABOVE', behaviourReaders.decimal('10000'), 'Amounts above this are declined (AMOUNT_OVER_LIMIT)'),
  declineRate: setting('GATEWAY_DECLINE_RATE', behaviourReaders.share(0), 'Share of requests, 0 to 1, declined at random (DECLINED_BY_ISSUER)'),
  rejectRate: setting(
    'GATEWAY_REJECT_RATE',
    behaviourReaders.share(0),
    'Share of idempotency keys, 0 to 1, whose requests are refused with 422 UPSTREAM_REJECTED (the payments service dead-letters them); picked by a hash of the key, so a retry is refused again (changeable at run time as rejectRate)',
  ),
  refusedCurrencies: setting(
    'GATEWAY_REFUSED_CURRENCIES',
    behaviourReaders.currencies(),
    'Currencies, comma-separated (e.g. XTS), whose payments are refused with 422 UPSTREAM_REJECTED every time: makes chosen orders fail at payment (changeable at run time as refusedCurrencies)',
  ),
};

export type PaymentGatewaySettings = ReturnType<typeof loadPaymentGatewaySettings>;

export const loadPaymentGatewaySettings = (env: Record<string, string | undefined> = process.env) => loadSettings(paymentGatewaySettings, env);
