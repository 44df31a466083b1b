import { setTimeout as sleep } from 'node:timers/promises';
import { startPaymentGateway } from '@tributary/payment-gateway';
import { loadPaymentGatewaySettings } from '@tributary/payment-gateway/settings';
import type { RunningService } from '@tributary/service';
import { startServiceProcess, type ServiceProcess } from '../processes.ts';
import { serviceEnvironment, testLogger, uniqueName } from '../support.ts';

/** Every service of the order flow that runs as its own process, so a fault can kill it for real. */
export const flowApps = ['inventory-service', 'payments-service', 'orders-service', 'order-projector', 'orders-api', 'query-api'] as const;
export type FlowApp = (typeof flowApps)[number];

const portVariables: Record<FlowApp, string> = {
  'inventory-service': 'INVENTORY_SERVICE_PORT',
  'payments-service': 'PAYMENTS_SERVICE_PORT',
  'orders-service': 'ORDERS_SERVICE_PORT',
  'order-projector': 'ORDER_PROJECTOR_PORT',
  'orders-api': 'ORDERS_API_PORT',
  'query-api': 'QUERY_API_PORT',
};

export interface Flow {
  /** The environment every service got: topics, groups, database, backbone and gateway. */
  readonly env: Record<string, string>;
  readonly topics: readonly string[];
  readonly groups: readonly string[];
  readonly gatewayUrl: string;
  url(app: FlowApp): string;
  /** SIGKILL: no shutdown hook runs, in-flight batches and transactions are cut off. */
  kill(app: FlowApp): Promise<void>;
  start(app: FlowApp): Promise<void>;
  /** What each process printed, for a failure message. */
  output(app: FlowApp): string;
  stop(): Promise<void>;
}

export interface FlowOptions {
  /** Overrides of the services' environment (e.g. a proxy's address as MONGODB_URI). */
  env?: Record<string, string>;
}

/** Settings that make faults show within seconds rather than minutes. */
const fastFailure = {
  BREAKER_VOLUME_THRESHOLD: '3',
  BREAKER_RESET_TIMEOUT_MS: '1500',
  BREAKER_ROLLING_WINDOW_MS: '10000',
  PAYMENT_GATEWAY_TIMEOUT_MS: '1500',
  GATEWAY_LATENCY_MS: '5',
  GATEWAY_DECLINE_ABOVE: '100',
  CONSUMER_RETRY_ATTEMPTS: '3',
  CONSUMER_RETRY_INITIAL_MS: '100',
  CONSUMER_RETRY_MAX_MS: '1000',
  CONSUMER_SESSION_TIMEOUT_MS: '6000',
  MONGODB_TIMEOUT_MS: '3000',
  TOPIC_PARTITIONS: '3',
  COMMAND_RATE_LIMIT: '0',
  // Shorter than the default 30 s, so an order the flow dropped shows as stuck soon after a fault,
  // yet long enough that orders held up by a 10-15 s fault on a busy machine mostly still confirm.
  ORDER_DEADLINE_MS: '20000',
};

const stopProcess = async (service: ServiceProcess): Promise<void> => {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGTERM');
  const exited = await Promise.race([service.exited.then(() => true), sleep(15_000).then(() => false)]);
  if (!exited) {
    service.child.kill('SIGKILL');
    await service.exited;
  }
};

/**
 * The whole order flow on the backbone the test file was given: the payment gateway simulator in
 * this process (its admin API is how a test makes it fail), every other service as a real process.
 */
export const startFlow = async (prefix: string, options: FlowOptions = {}): Promise<Flow> => {
  const names = { ordersTopic: uniqueName(prefix), database: uniqueName(prefix) };
  const base = serviceEnvironment(names, { ...fastFailure, ...options.env });
  const gateway: RunningService & { url: string } = await startPaymentGateway(loadPaymentGatewaySettings(base), testLogger('payment-gateway'));
  const env = { ...base, PAYMENT_GATEWAY_URL: gateway.url };
  const processes = new Map<FlowApp, ServiceProcess>();
  // A test run that ends without its afterAll must not leave the services running.
  const orphans = (): void => {
    for (const service of processes.values()) service.child.kill('SIGKILL');
  };
  process.once('exit', orphans);
  // What killed instances printed, so a scenario's logs cover the instance before a restart too.
  const earlier = new Map<FlowApp, string>();
  const start = async (app: FlowApp): Promise<void> => {
    const previous = processes.get(app);
    if (previous) earlier.set(app, (earlier.get(app) ?? '') + previous.output());
    processes.set(app, await startServiceProcess(app, portVariables[app], env));
  };
  const running = (app: FlowApp): ServiceProcess => {
    const service = processes.get(app);
    if (!service) throw new Error(`${app} is not running`);
    return service;
  };
  try {
    // The consumers first, so their topics exist before orders arrive; then the HTTP edges.
    await Promise.all(flowApps.slice(0, 4).map(start));
    await Promise.all(flowApps.slice(4).map(start));
  } catch (error) {
    await Promise.all([...processes.values()].map(stopProcess));
    await gateway.stop();
    throw error;
  }
  return {
    env,
    topics: [env.ORDERS_TOPIC, env.INVENTORY_TOPIC, env.PAYMENTS_TOPIC],
    groups: [env.ORDER_PROJECTOR_GROUP, env.INVENTORY_SERVICE_GROUP, env.PAYMENTS_SERVICE_GROUP, env.ORDERS_SERVICE_GROUP],
    gatewayUrl: gateway.url,
    url: (app) => running(app).url,
    kill: async (app) => {
      const service = running(app);
      service.child.kill('SIGKILL');
      await service.exited;
    },
    start,
    output: (app) => (earlier.get(app) ?? '') + (processes.get(app)?.output() ?? ''),
    stop: async () => {
      await Promise.all([...processes.values()].map(stopProcess));
      await gateway.stop();
      process.off('exit', orphans);
    },
  };
};
