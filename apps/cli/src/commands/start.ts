import { once } from 'node:events';
import { endpointVariables, stackDown, stackUp, type StackEndpoints } from '@tributary/stack';
import type { LeafCommand } from '../command.ts';
import { startOrderFlow, stopOrderFlow } from '../order-flow.ts';
import { brokersHelp, brokersOption } from './stack.ts';

const table = (rows: readonly (readonly string[])[]): string => {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
};

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
    'Every service reads its settings from the environment (docs/configuration.md); ports default to 3000 (orders-api), 3001 (query-api), 3002 (order-projector), 3003 (inventory-service), 3004 (payments-service), 3005 (orders-service), 3099 (payment-gateway, a simulator of the outside payment system).',
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
    const running = await startOrderFlow(env, (message) => io.err(`start: ${message}`));
    io.out(table([['service', 'endpoint', 'try'], ...running.map(({ name, url, hint }) => [name, url, hint])]));
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
    await stopOrderFlow(running);
    clearTimeout(giveUp);
    if (useStack && values['keep-stack'] !== true) {
      await stackDown({ onProgress: (line) => io.err(`stack: ${line}`) });
    }
    return 0;
  },
};
