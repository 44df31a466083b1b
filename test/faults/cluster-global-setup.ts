import type { TestProject } from 'vitest/node';
import { clusterEndpoints } from './cluster.ts';

/**
 * The cluster suite starts its nodes in its own test file, beside the TCP proxies it cuts (see
 * cluster.ts); here it only hands out the addresses, which are fixed, to the test helpers.
 */
export default function setup(project: TestProject): void {
  project.provide('backbone', clusterEndpoints());
}
