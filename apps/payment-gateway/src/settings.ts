import { loadSettings, logLevels, oneOf, port, setting, text } from '@tributary/config';
import { behaviourReaders } from './behaviour.ts';

export const paymentGatewaySettings = {
  port: setting('PAYMENT_GATEWAY_PORT', port(3099), 'Port of the payment gateway simulator'),
  host: setting('HTTP_HOST', text('127.0.0.1'), 'Interface HTTP servers listen on (0.0.0.0 in containers)'),
  logLevel: setting('LOG_LEVEL', oneOf(logLevels, 'info'), 'Log level'),
  latencyMs: setting('GATEWAY_LATENCY_MS', behaviourReaders.latencyMs(20), 'Delay before every gateway answer (changeable at run time: PUT /admin/behaviour)'),
  failureRate: setting('GATEWAY_FAILURE_RATE', behaviourReaders.share(0), 'Share of requests, 0 to 1, answered 503 instead of being processed'),
  declineAbove: setting('GATEWAY_DECLINE_ABOVE', behaviourReaders.decimal('10000'), 'Amounts above this are declined (AMOUNT_OVER_LIMIT)'),
  declineRate: setting('GATEWAY_DECLINE_RATE', behaviourReaders.share(0), 'Share of requests, 0 to 1, declined at random (DECLINED_BY_ISSUER)'),
};

export type PaymentGatewaySettings = ReturnType<typeof loadPaymentGatewaySettings>;

export const loadPaymentGatewaySettings = (env: Record<string, string | undefined> = process.env) => loadSettings(paymentGatewaySettings, env);
