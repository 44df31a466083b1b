import { stepFailurePublisher } from '@tributary/order-saga';
import { createBreaker, type Breaker, type BreakerTuning } from '@tributary/resilience';
import { defineService, type ConsumingService } from '@tributary/service';
import { createGatewayClient, type GatewayAnswer, type PaymentRequest } from './gateway-client.ts';
import { createPaymentHandler } from './handler.ts';
import { paymentsServiceSettings, type PaymentsServiceSettings } from './settings.ts';

export const serviceName = 'payments-service';

/** How often a partition paused by the open breaker asks whether it may resume: soon after the breaker half-opens. */
const breakerProbeIntervalMs = 500;

/** The breaker settings that may change while the service runs (the settings file). */
const breakerTuning = (settings: PaymentsServiceSettings): BreakerTuning => ({
  timeoutMs: settings.gatewayTimeoutMs,
  errorThresholdPercentage: settings.breakerErrorThresholdPercent,
  volumeThreshold: settings.breakerVolumeThreshold,
  resetTimeoutMs: settings.breakerResetTimeoutMs,
});

export interface PaymentsService extends ConsumingService {
  readonly breaker: Breaker<[string, PaymentRequest], GatewayAnswer>;
}

/** Charges reserved orders at the payment gateway, behind a breaker, and answers on the payments stream. */
export const startPaymentsService = defineService({
  name: serviceName,
  settings: paymentsServiceSettings,
  uses: (settings: PaymentsServiceSettings) => ({ consumes: [settings.inventoryTopic], produces: [settings.paymentsTopic] }),
  domain: ({ settings, producer, metrics, logger, tracer }) => {
    const client = createGatewayClient({ baseUrl: settings.gatewayUrl, timeoutMs: settings.gatewayTimeoutMs });
    const breaker = createBreaker({
      name: 'payment-gateway',
      action: (idempotencyKey: string, request: PaymentRequest) => client.authorize(idempotencyKey, request),
      ...breakerTuning(settings),
      rollingWindowMs: settings.breakerRollingWindowMs,
      metrics,
      logger,
    });
    const { groupId, paymentsTopic, gatewayConcurrency: concurrency } = settings;
    logger.info('charging at the payment gateway', { gateway: settings.gatewayUrl });
    return {
      consumer: {
        handleBatch: createPaymentHandler({ breaker, producer, groupId, paymentsTopic, concurrency, logger, metrics, tracer, gatewayUrl: settings.gatewayUrl }),
        // An open breaker pauses partitions (CIRCUIT_OPEN); they resume once it lets a probe call through.
        probe: () => Promise.resolve(breaker.allowsCalls()),
        probeIntervalMs: breakerProbeIntervalMs,
        // A reservation that cannot be charged (the gateway refused it) rejects its order at once.
        onDeadLetter: stepFailurePublisher({ producer, groupId, topic: paymentsTopic, eventType: 'PaymentFailed', handles: 'StockReserved' }),
      },
      close: () => breaker.shutdown(),
      reconfigure: (next) => {
        client.reconfigure({ timeoutMs: next.gatewayTimeoutMs });
        breaker.reconfigure(breakerTuning(next));
      },
      exposes: { breaker },
    };
  },
});
