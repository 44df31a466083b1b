import type { Server } from 'node:http';
import { startInventoryService } from '@tributary/inventory-service';
import { loadInventoryServiceSettings } from '@tributary/inventory-service/settings';
import { createLogger, type Logger } from '@tributary/logger';
import { startOrderProjector } from '@tributary/order-projector';
import { loadOrderProjectorSettings } from '@tributary/order-projector/settings';
import { startOrdersApi } from '@tributary/orders-api';
import { loadOrdersApiSettings } from '@tributary/orders-api/settings';
import { startOrdersService } from '@tributary/orders-service';
import { loadOrdersServiceSettings } from '@tributary/orders-service/settings';
import { startPaymentGateway } from '@tributary/payment-gateway';
import { loadPaymentGatewaySettings } from '@tributary/payment-gateway/settings';
import { startPaymentsService } from '@tributary/payments-service';
import { loadPaymentsServiceSettings } from '@tributary/payments-service/settings';
import { startQueryApi } from '@tributary/query-api';
import { loadQueryApiSettings } from '@tributary/query-api/settings';
import { stopInOrder, type RunningService } from '@tributary/service';

export type OrderFlowServiceName = 'payment-gateway' | 'inventory-service' | 'payments-service' | 'orders-service' | 'order-projector' | 'query-api' | 'orders-api';

interface ServiceEntry {
  name: OrderFlowServiceName;
  start(env: NodeJS.ProcessEnv, logger: Logger): Promise<RunningService & { server: Server }>;
  /** What to try against it, printed in the endpoint table. */
  hint(url: string): string;
}

const sampleOrder = '{"customerId":"c-1","currency":"EUR","items":[{"sku":"SKU-1","quantity":1,"unitPrice":"9.99"}]}';

/**
 * Every service of the order flow, in start order: the outside world first (the gateway
 * simulator), then the consumers, then the HTTP APIs users call, so nothing is accepted before
 * something is there to handle it.
 */
export const orderFlowServices: readonly ServiceEntry[] = [
  { name: 'payment-gateway', start: (env, logger) => startPaymentGateway(loadPaymentGatewaySettings(env), logger), hint: (url) => `GET ${url}/admin/behaviour (simulated outside system)` },
  { name: 'inventory-service', start: (env, logger) => startInventoryService(loadInventoryServiceSettings(env), logger), hint: (url) => `curl -X PUT ${url}/stock/SKU-1 -H 'content-type: application/json' -d '{"quantity":100}'` },
  { name: 'payments-service', start: (env, logger) => startPaymentsService(loadPaymentsServiceSettings(env), logger), hint: () => 'GET /readyz, /metrics' },
  { name: 'orders-service', start: (env, logger) => startOrdersService(loadOrdersServiceSettings(env), logger), hint: () => 'GET /readyz, /metrics' },
  { name: 'order-projector', start: (env, logger) => startOrderProjector(loadOrderProjectorSettings(env), logger), hint: () => 'GET /readyz, /metrics' },
  { name: 'query-api', start: (env, logger) => startQueryApi(loadQueryApiSettings(env), logger), hint: (url) => `curl ${url}/orders/<orderId>` },
  {
    name: 'orders-api',
    start: (env, logger) => startOrdersApi(loadOrdersApiSettings(env), logger),
    hint: (url) => `curl -X POST ${url}/orders -H 'content-type: application/json' -d '${sampleOrder}'`,
  },
];

/** Every service's port variable at 0: the OS picks free ports, so flows started side by side never collide. */
export const freeServicePorts = {
  ORDERS_API_PORT: '0',
  QUERY_API_PORT: '0',
  ORDER_PROJECTOR_PORT: '0',
  INVENTORY_SERVICE_PORT: '0',
  PAYMENTS_SERVICE_PORT: '0',
  ORDERS_SERVICE_PORT: '0',
  PAYMENT_GATEWAY_PORT: '0',
} as const;

export interface StartedService {
  name: OrderFlowServiceName;
  service: RunningService;
  url: string;
  hint: string;
}

/**
 * Starts the services in this process, one after another, so a failure names the service; a
 * failed start stops the ones already running before it throws.
 */
export const startOrderFlow = async (env: NodeJS.ProcessEnv, onFailure: (message: string) => void = () => undefined): Promise<StartedService[]> => {
  const running: StartedService[] = [];
  const level = (env['LOG_LEVEL'] as 'info' | undefined) ?? 'info';
  try {
    for (const entry of orderFlowServices) {
      // All services share this process, so the environment names each one's spans for it.
      const service = await entry.start({ ...env, OTEL_SERVICE_NAME: entry.name }, createLogger({ service: entry.name, level }));
      const address = service.server.address();
      const url = `http://${env['HTTP_HOST'] ?? '127.0.0.1'}:${typeof address === 'object' && address ? address.port : '?'}`;
      running.push({ name: entry.name, service, url, hint: entry.hint(url) });
    }
    return running;
  } catch (error) {
    onFailure(`${orderFlowServices[running.length]?.name ?? 'a service'} failed to start; stopping the others`);
    await stopOrderFlow(running).catch(() => undefined);
    throw error;
  }
};

/** Stops the services in the reverse of their start order: the APIs first, the gateway last. */
export const stopOrderFlow = (running: readonly StartedService[]): Promise<void> => stopInOrder([...running].reverse().map(({ service }) => () => service.stop()));
