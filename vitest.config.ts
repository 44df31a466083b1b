import { defineConfig } from 'vitest/config';

const sources = ['apps/*/src/**', 'libs/*/src/**', 'test/**', 'bench/**'];

/** The full fault-injection suite; it stops and restarts Kafka, the registry and the store. */
const faultSuite = {
  test: {
    name: 'faults',
    sequence: { groupOrder: 2 },
    include: ['test/faults/*.faults.test.ts'],
    // Its own backbone, which its scenarios stop and start: never the one the int files use.
    globalSetup: ['test/faults/global-setup.ts'],
    env: { KAFKAJS_NO_PARTITIONER_WARNING: '1' },
    testTimeout: 300_000,
    hookTimeout: 180_000,
    maxWorkers: 1,
  },
};

/**
 * Single-node faults on a three-node cluster: after the single-broker suite, never beside it (two
 * backbones would not fit two cores). Its test file starts the cluster itself.
 */
const clusterFaultSuite = {
  test: {
    name: 'faults-cluster',
    sequence: { groupOrder: 3 },
    include: ['test/faults/*.cluster.test.ts'],
    globalSetup: ['test/faults/cluster-global-setup.ts'],
    env: { KAFKAJS_NO_PARTITIONER_WARNING: '1' },
    testTimeout: 420_000,
    hookTimeout: 600_000,
    maxWorkers: 1,
  },
};

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: sources.map((dir) => `${dir}/*.unit.test.ts`),
        },
      },
      {
        test: {
          name: 'int',
          // Runs after the unit tests, as its own group, so it can have its own worker count.
          sequence: { groupOrder: 1 },
          include: sources.map((dir) => `${dir}/*.int.test.ts`),
          // One backbone for the whole run; every test file names its own topics, groups and database.
          globalSetup: ['test/backbone.global-setup.ts'],
          // Tests' own raw kafkajs producers use its default partitioner on purpose; no need to warn.
          env: { KAFKAJS_NO_PARTITIONER_WARNING: '1' },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two cores run the broker, the registry and the store too: keep test files from piling on.
          maxWorkers: 2,
        },
      },
      // Only `npm run test:faults` runs them: they take minutes and a backbone of their own.
      ...(process.env['TRIBUTARY_FAULT_SUITE'] === '1' ? [faultSuite, clusterFaultSuite] : []),
    ],
  },
});
