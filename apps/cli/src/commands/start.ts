import { once } from 'node:events';
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
import { endpointVariables, stackDown, stackUp, type StackEndpoints } from '@tributary/stack';
import type { Io, LeafCommand } from '../command.ts';
import { brokersHelp, brokersOption } from './stack.ts';

const table = (rows: readonly (readonly string[])[]): string => {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
};

interface ServiceEntry {
  name: string;
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
const services: readonly ServiceEntry[] = [
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

const backboneRows = (endpoints: StackEndpoints): string[][] => [
  ['backbone', 'address'],
  ['kafka', endpoints.kafkaBrokers.join(',')],
  ['schema registry', endpoints.registryUrl],
  ['store', endpoints.mongoUri],
  ...(endpoints.jaegerUrl ? [['jaeger (traces)', `${endpoints.jaegerUrl}  (tributary trace <orderId>)`]] : []),
  ...(endpoints.otlpEndpoint ? [['OTLP/HTTP spans', endpoints.otlpEndpoint]] : []),
];

/** How long Ctrl-C waits for the services to finish the batches in hand. */
const stopTimeoutMs = 30_000;

/** Starts the services in this process, one after another, so a failure names the service. */
const startServices = async (env: NodeJS.ProcessEnv, io: Io) => {
  const running: { name: string; service: RunningService }[] = [];
  const level = (env['LOG_LEVEL'] as 'info' | undefined) ?? 'info';
  const rows: string[][] = [['service', 'endpoint', 'try']];
  try {
    for (const entry of services) {
      // All services share this process, so the environment names each one's spans for it.
      const service = await entry.start({ ...env, OTEL_SERVICE_NAME: entry.name }, createLogger({ service: entry.name, level }));
      running.push({ name: entry.name, service });
      const address = service.server.address();
      const url = `http://${env['HTTP_HOST'] ?? '127.0.0.1'}:${typeof address === 'object' && address ? address.port : '?'}`;
      rows.push([entry.name, url, entry.hint(url)]);
    }
    return { running, rows };
  } catch (error) {
    io.err(`start: ${services[running.length]?.name ?? 'a service'} failed to start; stopping the others`);
    await stopInOrder(running.reverse().map(({ service }) => () => service.stop())).catch(() => undefined);
    throw error;
  }
};

export const startCommand: LeafCommand = {
  name: 'start',
  summary: 'start the backbone and every service, print the endpoints, stop everything on Ctrl-C',
  usage: 'tributary start [--brokers 1|3] [--no-stack] [--no-tracing] [--keep-stack]',
  options: { brokers: { type: 'string' }, 'no-stack': { type: 'boolean' }, 'no-tracing': { type: 'boolean' }, 'keep-stack': { type: 'boolean' } },
  optionHelp: {
    brokers: `${brokersHelp}; the services get every node's address and create topics with that replication factor`,
    'no-stack': 'do not start the local backbone; use KAFKA_BROKERS, SCHEMA_REGISTRY_URL, MONGODB_URI (and OTEL_EXPORTER_OTLP_ENDPOINT) as given',
    'no-tracing': 'do not start Jaeger; the services export no spans unless OTEL_EXPORTER_OTLP_ENDPOINT is set',
    'keep-stack': 'leave the local backbone running after Ctrl-C (the next start reuses it)',
  },
  details:
    'Every service reads its settings from the environment (see README); ports default to 3000 (orders-api), 3001 (query-api), 3002 (order-projector), 3003 (inventory-service), 3004 (payments-service), 3005 (orders-service), 3099 (payment-gateway, a simulator of the outside payment system).',
  run: async ({ values, io }) => {
    const useStack = values['no-stack'] !== true;
    let env = io.env;
    if (useStack) {
      const endpoints = await stackUp({ onProgress: (line) => io.err(`stack: ${line}`), tracing: values['no-tracing'] !== true, brokers: brokersOption(values['brokers'], io.env) });
      // The local backbone's addresses win over defaults, but a variable the user set still wins.
      env = { ...endpointVariables(endpoints), ...io.env };
      io.out(table(backboneRows(endpoints)));
      io.out('');
    }
    const { running, rows } = await startServices(env, io);
    io.out(table(rows));
    io.out('\nCtrl-C stops everything.');

    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    io.err(`start: stopping services (up to ${stopTimeoutMs / 1000} s; Ctrl-C again exits at once)`);
    process.once('SIGINT', () => process.exit(130));
    // A service waiting on a dependency that went away (a batch that cannot commit to a stopped
    // broker) must not keep the terminal, nor leave consumers running with their store closed.
    const giveUp = setTimeout(() => {
      io.err(`start: services did not stop within ${stopTimeoutMs / 1000} s; exiting`);
      process.exit(1);
    }, stopTimeoutMs);
    await stopInOrder(running.reverse().map(({ service }) => () => service.stop()));
    clearTimeout(giveUp);
    if (useStack && values['keep-stack'] !== true) {
      await stackDown({ onProgress: (line) => io.err(`stack: ${line}`) });
    }
    return 0;
  },
};
