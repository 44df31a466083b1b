import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBrokers, type StackCallOptions, type StackEndpoints } from '@tributary/stack';

const root = fileURLToPath(new URL('..', import.meta.url));

type Ports = NonNullable<StackCallOptions['ports']>;

/** Four ports from a comma-separated variable, in the order of `defaults`' keys; the defaults if unset or malformed. */
const portsFrom = <K extends keyof Ports>(variable: string, defaults: Record<K, number>): Record<K, number> => {
  const given = process.env[variable]?.split(',').map(Number);
  const names = Object.keys(defaults) as K[];
  if (!given || given.length !== names.length || given.some((p) => !Number.isInteger(p) || p < 1 || p > 65_535)) return defaults;
  return Object.fromEntries(names.map((name, index) => [name, given[index]])) as Record<K, number>;
};

/**
 * The integration tests' own backbone, on ports apart from the defaults so a developer's running
 * stack and a test run never meet. TRIBUTARY_TEST_KAFKA_BROKERS, TRIBUTARY_TEST_REGISTRY_URL and
 * TRIBUTARY_TEST_MONGODB_URI point the tests at an existing one instead.
 * TRIBUTARY_TEST_PORTS=kafka,controller,registry,store moves a second test run out of the way;
 * TRIBUTARY_TEST_TRACING_PORTS=ui,grpc,otlpHttp,otlpGrpc moves Jaeger's.
 */
const testPorts = (): Ports => ({
  ...portsFrom('TRIBUTARY_TEST_PORTS', { kafka: 29092, kafkaController: 29093, registry: 28081, store: 28017 }),
  ...portsFrom('TRIBUTARY_TEST_TRACING_PORTS', { jaegerUi: 26686, jaegerGrpc: 26685, otlpHttp: 24318, otlpGrpc: 24317 }),
});

/**
 * Jaeger only with TRIBUTARY_TEST_TRACING=1: its first build on a new machine takes minutes, which
 * every run would pay. Test files that need it skip without it (see `tracingEndpoints`).
 */
export const testTracing = process.env['TRIBUTARY_TEST_TRACING'] === '1';

/**
 * TRIBUTARY_TEST_BROKERS=3 runs the tests on a three-node cluster (node n on the Kafka and
 * controller ports + 2(n-1)); one node by default.
 */
export const testBrokers = parseBrokers(process.env['TRIBUTARY_TEST_BROKERS'], 'TRIBUTARY_TEST_BROKERS');

export const testStack: StackCallOptions = {
  stackDir: process.env['TRIBUTARY_TEST_STACK_DIR'] ?? join(root, '.tributary', testBrokers === 1 ? 'test-stack' : 'test-cluster'),
  brokers: testBrokers,
  ports: testPorts(),
  tracing: testTracing,
  onProgress: (line) => console.log(`[backbone] ${line}`),
};

export const givenBackbone = (): StackEndpoints | undefined => {
  const brokers = process.env['TRIBUTARY_TEST_KAFKA_BROKERS'];
  const registryUrl = process.env['TRIBUTARY_TEST_REGISTRY_URL'];
  const mongoUri = process.env['TRIBUTARY_TEST_MONGODB_URI'];
  if (!brokers || !registryUrl || !mongoUri) return undefined;
  // A given backbone may come with its tracing backend too.
  const otlpEndpoint = process.env['TRIBUTARY_TEST_OTLP_ENDPOINT'];
  const jaegerUrl = process.env['TRIBUTARY_TEST_JAEGER_URL'];
  return { kafkaBrokers: brokers.split(',').map((b) => b.trim()), registryUrl, mongoUri, ...(otlpEndpoint && jaegerUrl ? { otlpEndpoint, jaegerUrl } : {}) };
};

/** The test backbone's Jaeger, or why there is none (for the skip message of a file that needs it). */
export const tracingEndpoints = (backbone: StackEndpoints): { otlpEndpoint: string; jaegerUrl: string } | string =>
  backbone.otlpEndpoint && backbone.jaegerUrl
    ? { otlpEndpoint: backbone.otlpEndpoint, jaegerUrl: backbone.jaegerUrl }
    : 'the test backbone runs no Jaeger: set TRIBUTARY_TEST_TRACING=1 (or TRIBUTARY_TEST_OTLP_ENDPOINT and TRIBUTARY_TEST_JAEGER_URL with a given backbone)';
