import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stackDown, stackUp, type ComponentName, type StackCallOptions } from '@tributary/stack';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The fault suite's own backbone. It stops and restarts Kafka, the registry and the store, so it
 * must never share them with other test files: its own folder and ports, apart from the test
 * backbone's (29092...) and a developer's stack (9092...).
 */
export const faultStack: StackCallOptions = {
  stackDir: process.env['TRIBUTARY_FAULTS_STACK_DIR'] ?? join(root, '.tributary', 'faults-stack'),
  ports: { kafka: 39192, kafkaController: 39193, registry: 38181, store: 38117 },
  onProgress: (line) => console.log(`[faults backbone] ${line}`),
};

/** Where the suites write their result tables. */
export const resultsDir = join(root, '.tributary', 'faults');

/** Stops one backbone component as an outage would, with SIGTERM. */
export const stopComponent = (component: ComponentName): Promise<void> => stackDown({ ...faultStack, only: [component] });

/** Starts what is stopped again; the running components are reused. */
export const startComponents = async (): Promise<void> => {
  await stackUp(faultStack);
};
