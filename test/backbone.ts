import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackCallOptions, StackEndpoints } from '@tributary/stack';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The integration tests' own backbone, on ports apart from the defaults so a developer's running
 * stack and a test run never meet. TRIBUTARY_TEST_KAFKA_BROKERS, TRIBUTARY_TEST_REGISTRY_URL and
 * TRIBUTARY_TEST_MONGODB_URI point the tests at an existing one instead.
 */
const testPorts = (): NonNullable<StackCallOptions['ports']> => {
  // TRIBUTARY_TEST_PORTS=kafka,controller,registry,store moves a second test run out of the way.
  const given = process.env['TRIBUTARY_TEST_PORTS']?.split(',').map(Number);
  if (!given || given.length !== 4 || given.some((p) => !Number.isInteger(p) || p < 1 || p > 65_535)) {
    return { kafka: 29092, kafkaController: 29093, registry: 28081, store: 28017 };
  }
  const [kafka = 0, kafkaController = 0, registry = 0, store = 0] = given;
  return { kafka, kafkaController, registry, store };
};

export const testStack: StackCallOptions = {
  stackDir: process.env['TRIBUTARY_TEST_STACK_DIR'] ?? join(root, '.tributary', 'test-stack'),
  ports: testPorts(),
  onProgress: (line) => console.log(`[backbone] ${line}`),
};

export const givenBackbone = (): StackEndpoints | undefined => {
  const brokers = process.env['TRIBUTARY_TEST_KAFKA_BROKERS'];
  const registryUrl = process.env['TRIBUTARY_TEST_REGISTRY_URL'];
  const mongoUri = process.env['TRIBUTARY_TEST_MONGODB_URI'];
  if (!brokers || !registryUrl || !mongoUri) return undefined;
  return { kafkaBrokers: brokers.split(',').map((b) => b.trim()), registryUrl, mongoUri };
};
