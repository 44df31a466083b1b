import { parseArgs } from 'node:util';
import { givenBackbone, testStack } from '@tributary/integration-tests/backbone';
import { stackUp } from '@tributary/stack';
import { codecBench } from './codec.bench.ts';
import { projectionBench } from './projection.bench.ts';

const usage = 'Usage: npm run bench [-- --full]\n  Runs every benchmark in quick mode (CI smoke), or at full size with --full. Each line prints the\n  subject, its baseline measured in the same run, and their ratio. Uses the test backbone\n  (started if needed), or TRIBUTARY_TEST_KAFKA_BROKERS / _REGISTRY_URL / _MONGODB_URI.';

const { values } = parseArgs({ options: { full: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true });
if (values.help) {
  console.log(usage);
} else {
  const backbone = givenBackbone() ?? (await stackUp({ ...testStack, onProgress: (line) => console.error(`[backbone] ${line}`) }));
  const full = values.full === true;
  console.log(`benchmarks (${full ? 'full' : 'quick'} mode), node ${process.version}`);
  console.log('\ncodec: Avro in the Confluent wire format vs JSON on the same objects');
  for (const line of await codecBench({ registryUrl: backbone.registryUrl, full })) console.log(`  ${line}`);
  console.log('\nprojection: our runtime and read model vs a decode-only consumer, the store\'s own ceiling and a naive projector');
  for (const line of await projectionBench({ ...backbone, full }, (line) => console.error(`[bench] ${line}`))) console.log(`  ${line}`);
}
