import { defineService, type StartedService } from '@tributary/service';
import { gatewayApi } from './api.ts';
import { createGateway, type Gateway } from './gateway.ts';
import { paymentRoutes } from './routes.ts';
import { paymentGatewaySettings, type PaymentGatewaySettings } from './settings.ts';

export const serviceName = 'payment-gateway';

export interface PaymentGateway extends StartedService {
  /** The simulator itself: its behaviour and ledger, for tests running it in-process. */
  readonly gateway: Gateway;
}

/** A simulator of the external payment gateway, with settable latency, failures and declines; it uses nothing else. */
export const startPaymentGateway = defineService({
  name: serviceName,
  settings: paymentGatewaySettings,
  uses: (_settings: PaymentGatewaySettings) => ({}),
  domain: ({ settings: { latencyMs, failureRate, declineAbove, declineRate, rejectRate, refusedCurrencies }, logger, metrics }) => {
    const gateway = createGateway({ behaviour: { latencyMs, failureRate, declineAbove, declineRate, rejectRate, refusedCurrencies } });
    logger.info('simulating the payment gateway', { behaviour: gateway.behaviour() });
    return { routes: paymentRoutes(gateway, logger, metrics), api: gatewayApi, exposes: { gateway } };
  },
});
