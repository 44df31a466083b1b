import { brokersVariable, defaultPorts, endpointVariables, formatStatusTable, parseBrokers, portVariables, resolveStackOptions, stackDown, stackStatus, stackUp, type StackEndpoints } from '@tributary/stack';
import type { Command, Io, LeafCommand } from '../command.ts';

const portLabels: Record<keyof typeof portVariables, string> = {
  kafka: 'Kafka',
  kafkaController: 'Kafka controller',
  registry: 'schema registry',
  store: 'MongoDB-compatible store',
  jaegerUi: 'Jaeger UI and query API',
  jaegerGrpc: 'Jaeger gRPC query API',
  otlpHttp: 'OTLP/HTTP span intake (Jaeger)',
  otlpGrpc: 'OTLP/gRPC span intake (Jaeger)',
};

const environmentHelp = [
  'Environment:',
  `  ${'TRIBUTARY_STACK_DIR'.padEnd(32)} data, logs and pid files (default <repo>/.tributary/stack)`,
  `  ${'TRIBUTARY_CACHE_DIR'.padEnd(32)} downloads and builds (default ~/.cache/tributary)`,
  `  ${'JAVA_HOME'.padEnd(32)} the JDK to run Kafka and the registry with (default: java on PATH)`,
  `  ${brokersVariable.padEnd(32)} Kafka nodes when --brokers is not given: 1 or 3 (default 1)`,
  `  ${'TRIBUTARY_JAEGER_UI_ASSETS'.padEnd(32)} a built Jaeger UI folder for Jaeger to serve (default: its placeholder page)`,
  ...(Object.keys(portVariables) as (keyof typeof portVariables)[]).map(
    (name) => `  ${portVariables[name].padEnd(32)} ${portLabels[name]} port (default ${defaultPorts[name]})`,
  ),
].join('\n');

/** --brokers, else TRIBUTARY_KAFKA_NODES, else one node. */
export const brokersOption = (value: unknown, env: NodeJS.ProcessEnv): number =>
  typeof value === 'string' ? parseBrokers(value, '--brokers') : resolveStackOptions(env).brokers;

export const brokersHelp =
  'Kafka nodes: 1 (default), or 3 for a cluster of three broker+controller nodes (node n on the Kafka and controller ports + 2(n-1)) with replication factor 3, min.insync.replicas=2 and no unclean leader election';

const progress = (io: Io) => (line: string) => io.err(`stack: ${line}`);

const printEndpoints = (io: Io, endpoints: StackEndpoints, json: boolean): void => {
  if (json) {
    io.out(JSON.stringify(endpoints, null, 2));
    return;
  }
  io.out(Object.entries(endpointVariables(endpoints)).map(([name, value]) => `${name}=${value}`).join('\n'));
};

const up: LeafCommand = {
  name: 'up',
  summary: 'install on first use, start Kafka, the schema registry, the store and Jaeger, wait until healthy',
  usage: 'tributary stack up [--brokers 1|3] [--no-tracing] [--json]',
  options: { brokers: { type: 'string' }, 'no-tracing': { type: 'boolean' }, json: { type: 'boolean' } },
  optionHelp: {
    brokers: brokersHelp,
    'no-tracing': 'leave out Jaeger (the trace store); services then get no OTEL_EXPORTER_OTLP_ENDPOINT and export no spans',
    json: 'print the endpoints as JSON instead of KEY=value lines',
  },
  details: `Prints the endpoints as the variables the services read, so \`eval "$(tributary stack up)"\` works. Jaeger is built with Go on first use (minutes, once) and keeps spans in memory until it stops; its query API, which \`tributary trace\` reads, is on http://127.0.0.1:16686 (the UI there is a placeholder page unless TRIBUTARY_JAEGER_UI_ASSETS points at a built Jaeger UI).\n\n${environmentHelp}`,
  run: async ({ values, io }) => {
    const endpoints = await stackUp({ onProgress: progress(io), tracing: values['no-tracing'] !== true, brokers: brokersOption(values['brokers'], io.env) });
    printEndpoints(io, endpoints, values['json'] === true);
  },
};

const down: LeafCommand = {
  name: 'down',
  summary: 'stop every process of the stack, every Kafka node included (data is kept unless --wipe)',
  usage: 'tributary stack down [--wipe]',
  options: { wipe: { type: 'boolean' } },
  optionHelp: { wipe: "also delete Kafka's, the registry's and the store's data, so the next `up` starts empty (logs and downloads stay; Jaeger's spans go with every stop)" },
  details: `Data stays in the stack folder unless --wipe: topics, schemas and read models survive a restart.\n\n${environmentHelp}`,
  run: async ({ values, io }) => {
    await stackDown({ onProgress: progress(io), wipe: values['wipe'] === true });
  },
};

const status: LeafCommand = {
  name: 'status',
  summary: "show what runs where, and each Kafka node's role and health",
  usage: 'tributary stack status [--json]',
  options: { json: { type: 'boolean' } },
  optionHelp: { json: 'print the status as JSON' },
  details: `A node is running once the cluster counts it as a live broker, starting before that. On a cluster the ROLE column marks the active controller (the quorum's leader). Exit code 0 when every Kafka node, the registry and the store run and are healthy (and Jaeger, if started, too), 3 otherwise.\n\n${environmentHelp}`,
  run: async ({ values, io }) => {
    const result = await stackStatus();
    if (values['json'] === true) io.out(JSON.stringify(result, null, 2));
    else io.out(`${formatStatusTable(result.components)}\n\nKafka nodes: ${result.brokers}\nstack folder: ${result.stackDir}`);
    return result.healthy ? 0 : 3;
  },
};

export const stackCommand: Command = {
  name: 'stack',
  summary: 'the local backbone: Kafka, schema registry, MongoDB-compatible store and Jaeger on loopback',
  subcommands: [up, down, status],
};
