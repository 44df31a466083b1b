import { once } from 'node:events';
import { createLogger } from '@tributary/logger';
import { startOrderProjector } from '@tributary/order-projector';
import { loadOrderProjectorSettings } from '@tributary/order-projector/settings';
import { startOrdersApi } from '@tributary/orders-api';
import { loadOrdersApiSettings } from '@tributary/orders-api/settings';
import { startQueryApi } from '@tributary/query-api';
import { loadQueryApiSettings } from '@tributary/query-api/settings';
import { stopInOrder, type RunningService } from '@tributary/service';
import { endpointVariables, stackDown, stackUp } from '@tributary/stack';
import type { Io, LeafCommand } from '../command.ts';

const table = (rows: readonly (readonly string[])[]): string => {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
};

/** Starts the services in this process, one after another, so a failure names the service. */
const startServices = async (env: NodeJS.ProcessEnv, io: Io) => {
  const running: { name: string; service: RunningService }[] = [];
  const level = (env['LOG_LEVEL'] as 'info' | undefined) ?? 'info';
  try {
    const ordersApi = await startOrdersApi(loadOrdersApiSettings(env), createLogger({ service: 'orders-api', level }));
    running.push({ name: 'orders-api', service: ordersApi });
    const projector = await startOrderProjector(loadOrderProjectorSettings(env), createLogger({ service: 'order-projector', level }));
    running.push({ name: 'order-projector', service: projector });
    const queryApi = await startQueryApi(loadQueryApiSettings(env), createLogger({ service: 'query-api', level }));
    running.push({ name: 'query-api', service: queryApi });
    const projectorSettings = loadOrderProjectorSettings(env);
    return {
      running,
      rows: [
        ['service', 'endpoint', 'try'],
        ['orders-api', ordersApi.url, `curl -X POST ${ordersApi.url}/orders -H 'content-type: application/json' -d '{"customerId":"c-1","currency":"EUR","items":[{"sku":"SKU-1","quantity":1,"unitPrice":"9.99"}]}'`],
        ['query-api', queryApi.url, `curl ${queryApi.url}/orders/<orderId>`],
        ['order-projector', `http://${projectorSettings.host}:${projectorSettings.port}`, 'GET /readyz, /metrics'],
      ],
    };
  } catch (error) {
    io.err('start: a service failed to start; stopping the others');
    await stopInOrder(running.reverse().map(({ service }) => () => service.stop())).catch(() => undefined);
    throw error;
  }
};

export const startCommand: LeafCommand = {
  name: 'start',
  summary: 'start the backbone and every service, print the endpoints, stop everything on Ctrl-C',
  usage: 'tributary start [--no-stack] [--keep-stack]',
  options: { 'no-stack': { type: 'boolean' }, 'keep-stack': { type: 'boolean' } },
  optionHelp: {
    'no-stack': 'do not start the local backbone; use KAFKA_BROKERS, SCHEMA_REGISTRY_URL and MONGODB_URI as given',
    'keep-stack': 'leave the local backbone running after Ctrl-C (the next start reuses it)',
  },
  details: 'Every service reads its settings from the environment (see README); ports default to 3000 (orders-api), 3001 (query-api), 3002 (order-projector).',
  run: async ({ values, io }) => {
    const useStack = values['no-stack'] !== true;
    let env = io.env;
    if (useStack) {
      const endpoints = await stackUp({ onProgress: (line) => io.err(`stack: ${line}`) });
      // The local backbone's addresses win over defaults, but a variable the user set still wins.
      env = { ...endpointVariables(endpoints), ...io.env };
      io.out(table([['backbone', 'address'], ['kafka', endpoints.kafkaBrokers.join(',')], ['schema registry', endpoints.registryUrl], ['store', endpoints.mongoUri]]));
      io.out('');
    }
    const { running, rows } = await startServices(env, io);
    io.out(table(rows));
    io.out('\nCtrl-C stops everything.');

    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    io.err('start: stopping services');
    await stopInOrder(running.reverse().map(({ service }) => () => service.stop()));
    if (useStack && values['keep-stack'] !== true) {
      await stackDown({ onProgress: (line) => io.err(`stack: ${line}`) });
    }
    return 0;
  },
};
