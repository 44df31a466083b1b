import { stackDown, stackUp } from '@tributary/stack';
import type { TestProject } from 'vitest/node';
import { faultStack } from './backbone.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const endpoints = await stackUp(faultStack);
  console.log(`[faults backbone] Kafka ${endpoints.kafkaBrokers.join(',')}, registry ${endpoints.registryUrl}, store ${endpoints.mongoUri} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('backbone', endpoints);
  return async () => {
    if (process.env['TRIBUTARY_TEST_KEEP_STACK'] === '1') return;
    await stackDown(faultStack);
  };
}
