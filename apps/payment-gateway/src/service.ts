import type { Server } from 'node:http';
import { closeServer, createHttpApp, listen } from '@tributary/http';
import { createLogger, type Logger } from '@tributary/logger';
import { createMetricsRegistry } from '@tributary/metrics';
import type { RunningService } from '@tributary/service';
import { createGateway, type Gateway } from './gateway.ts';
import { paymentRoutes } from './routes.ts';
import type { PaymentGatewaySettings } from './settings.ts';

export const serviceName = 'payment-gateway';

export interface PaymentGateway extends RunningService {
  readonly server: Server;
  readonly url: string;
  /** The simulator itself: its behaviour and ledger, for tests running it in-process. */
  readonly gateway: Gateway;
}

export const startPaymentGateway = async (
  settings: PaymentGatewaySettings,
  logger: Logger = createLogger({ service: serviceName, level: settings.logLevel }),
): Promise<PaymentGateway> => {
  const metrics = createMetricsRegistry(serviceName);
  const { latencyMs, failureRate, declineAbove, declineRate, rejectRate, refusedCurrencies } = settings;
  const gateway = createGateway({ behaviour: { latencyMs, failureRate, declineAbove, declineRate, rejectRate, refusedCurrencies } });
  const app = createHttpApp({ logger, metrics, readiness: {}, routes: paymentRoutes(gateway, logger, metrics) });
  const server = await listen(app, settings.port, settings.host);
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : settings.port;
  const url = `http://${settings.host}:${boundPort}`;
  logger.info('listening', { url, behaviour: gateway.behaviour() });
  return { server, url, gateway, stop: () => closeServer(server) };
};
