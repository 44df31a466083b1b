import { randomBytes } from 'node:crypto';
import { freeServicePorts } from '@tributary/cli/order-flow';
import { startInventoryService } from '@tributary/inventory-service';
import { loadInventoryServiceSettings } from '@tributary/inventory-service/settings';
import { createLogger, type LogLevel } from '@tributary/logger';
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
import type { StackEndpoints } from '@tributary/stack';

/** Where a load run sends its requests. */
export interface Targets {
  ordersApiUrl: string;
  queryApiUrl: string;
  /** Absent for external targets without INVENTORY_URL: their SKUs must be stocked beforehand. */
  inventoryUrl?: string;
  /** The saga deadline of the orders-service behind ordersApiUrl: every order is final soon after it. */
  orderDeadlineMs: number;
  stop(): Promise<void>;
}

/**
 * Every service of the order flow in this process, on free ports, with topics, groups and a
 * database of this run's own: the count check then sees exactly this run's orders, and a
 * developer's `tributary start` on the same backbone is left alone. The command rate limit is off,
 * since every request of the run comes from one address.
 */
export const startLocalServices = async (backbone: StackEndpoints, logLevel: LogLevel = 'warn'): Promise<Targets & { runId: string }> => {
  const runId = randomBytes(4).toString('hex');
  const topic = `load-${runId}`;
  const env: Record<string, string> = {
    KAFKA_BROKERS: backbone.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: backbone.registryUrl,
    MONGODB_URI: backbone.mongoUri,
    MONGODB_DATABASE: `load_${runId}`,
    ORDERS_TOPIC: topic,
    INVENTORY_TOPIC: `${topic}-inventory`,
    PAYMENTS_TOPIC: `${topic}-payments`,
    ORDER_PROJECTOR_GROUP: `${topic}-order-projector`,
    INVENTORY_SERVICE_GROUP: `${topic}-inventory-service`,
    PAYMENTS_SERVICE_GROUP: `${topic}-payments-service`,
    ORDERS_SERVICE_GROUP: `${topic}-orders-service`,
    COMMAND_RATE_LIMIT: '0',
    LOG_LEVEL: logLevel,
    ...freeServicePorts,
  };
  const logger = (service: string) => createLogger({ service, level: logLevel, stream: process.stderr });
  const running: RunningService[] = [];
  const stop = () => stopInOrder([...running].reverse().map((service) => () => service.stop()));
  try {
    // The outside world first, then the consumers, then the APIs, as `tributary start` does.
    const gateway = await startPaymentGateway(loadPaymentGatewaySettings(env), logger('payment-gateway'));
    running.push(gateway);
    env['PAYMENT_GATEWAY_URL'] = gateway.url;
    const inventory = await startInventoryService(loadInventoryServiceSettings(env), logger('inventory-service'));
    running.push(inventory);
    running.push(await startPaymentsService(loadPaymentsServiceSettings(env), logger('payments-service')));
    const ordersSettings = loadOrdersServiceSettings(env);
    running.push(await startOrdersService(ordersSettings, logger('orders-service')));
    running.push(await startOrderProjector(loadOrderProjectorSettings(env), logger('order-projector')));
    const queryApi = await startQueryApi(loadQueryApiSettings(env), logger('query-api'));
    running.push(queryApi);
    const ordersApi = await startOrdersApi(loadOrdersApiSettings(env), logger('orders-api'));
    running.push(ordersApi);
    return { runId, ordersApiUrl: ordersApi.url, queryApiUrl: queryApi.url, inventoryUrl: inventory.url, orderDeadlineMs: ordersSettings.orderDeadlineMs, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
};
