import { stackDown, stackUp, type StackEndpoints } from '@tributary/stack';
import type { TestProject } from 'vitest/node';
import { givenBackbone, testStack } from './backbone.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    backbone: StackEndpoints;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = givenBackbone();
  if (given) {
    console.log(`[backbone] using the given backbone: Kafka ${given.kafkaBrokers.join(',')}, registry ${given.registryUrl}`);
    project.provide('backbone', given);
    return () => Promise.resolve();
  }
  const started = Date.now();
  const endpoints = await stackUp(testStack);
  const jaeger = endpoints.jaegerUrl ? `, Jaeger ${endpoints.jaegerUrl}` : ' (no Jaeger: TRIBUTARY_TEST_TRACING=1 adds it)';
  console.log(`[backbone] real Kafka ${endpoints.kafkaBrokers.join(',')}, registry ${endpoints.registryUrl}, store ${endpoints.mongoUri}${jaeger} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('backbone', endpoints);
  return async () => {
    // Keeping it saves the start-up on the next run; a later run reuses what runs.
    if (process.env['TRIBUTARY_TEST_KEEP_STACK'] === '1') return;
    await stackDown(testStack);
  };
}
