import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stackDown, stackUp, type StackCallOptions, type StackEndpoints } from '@tributary/stack';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    backbone: StackEndpoints;
  }
}

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The integration tests' own backbone, on ports apart from the defaults so a developer's running
 * stack and a test run never meet. TRIBUTARY_TEST_KAFKA_BROKERS, TRIBUTARY_TEST_REGISTRY_URL and
 * TRIBUTARY_TEST_MONGODB_URI point the tests at an existing one instead.
 */
const testStack: StackCallOptions = {
  stackDir: process.env['TRIBUTARY_TEST_STACK_DIR'] ?? join(root, '.tributary', 'test-stack'),
  ports: { kafka: 29092, kafkaController: 29093, registry: 28081, store: 28017 },
  onProgress: (line) => console.log(`[backbone] ${line}`),
};

const givenBackbone = (): StackEndpoints | undefined => {
  const brokers = process.env['TRIBUTARY_TEST_KAFKA_BROKERS'];
  const registryUrl = process.env['TRIBUTARY_TEST_REGISTRY_URL'];
  const mongoUri = process.env['TRIBUTARY_TEST_MONGODB_URI'];
  if (!brokers || !registryUrl || !mongoUri) return undefined;
  return { kafkaBrokers: brokers.split(',').map((b) => b.trim()), registryUrl, mongoUri };
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = givenBackbone();
  if (given) {
    console.log(`[backbone] using the given backbone: Kafka ${given.kafkaBrokers.join(',')}, registry ${given.registryUrl}`);
    project.provide('backbone', given);
    return () => Promise.resolve();
  }
  const started = Date.now();
  const endpoints = await stackUp(testStack);
  console.log(`[backbone] real Kafka ${endpoints.kafkaBrokers.join(',')}, registry ${endpoints.registryUrl}, store ${endpoints.mongoUri} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('backbone', endpoints);
  return async () => {
    // Keeping it saves the start-up on the next run; a later run reuses what runs.
    if (process.env['TRIBUTARY_TEST_KEEP_STACK'] === '1') return;
    await stackDown(testStack);
  };
}
