import { parseArgs } from 'node:util';
import { givenBackbone, testStack } from '@tributary/integration-tests/backbone';
import { stackUp } from '@tributary/stack';
import { codecBench } from './codec.bench.ts';
import { commandBench } from './command.bench.ts';
import { formatCpuShare, measureCpu } from './cpu-share.ts';
import { freshnessBench } from './freshness.bench.ts';
import { latencyBench } from './latency.bench.ts';
import { sagaBench } from './saga.bench.ts';
import { projectionBench } from './projection.bench.ts';
import { replayBench } from './replay.bench.ts';
import { queryBench } from './query.bench.ts';
import { tracingBench } from './tracing.bench.ts';

const usage = `Usage: npm run bench [-- --full] [--only name,name]
  Runs every benchmark in quick mode (CI smoke), or at full size with --full. Each line prints the
  subject, its baseline measured in the same run, and their ratio, and each benchmark its CPU use:
  a load generator above 25% of the machine, or a machine under 15% idle, makes the result not
  valid. Uses the test backbone (started if needed), or TRIBUTARY_TEST_KAFKA_BROKERS / _REGISTRY_URL
  / _MONGODB_URI. Benchmarks: ${['codec', 'projection', 'query', 'command', 'latency', 'saga', 'freshness', 'replay', 'tracing'].join(', ')}.
  tracing needs Jaeger: the test backbone starts it for that benchmark (TRIBUTARY_TEST_OTLP_ENDPOINT with a given one).`;

const { values } = parseArgs({ options: { full: { type: 'boolean' }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
if (values.help) {
  console.log(usage);
} else {
  const full = values.full === true;
  const only = values.only?.split(',').map((name) => name.trim());
  // Only the tracing benchmark needs Jaeger, whose first build takes minutes.
  const tracing = !only || only.includes('tracing');
  const backbone = givenBackbone() ?? (await stackUp({ ...testStack, tracing: testStack.tracing || tracing, onProgress: (line) => console.error(`[backbone] ${line}`) }));
  const progress = (line: string) => console.error(`[bench] ${line}`);

  /** Benchmarks in the order they run; the ones with a load generator run their subject in a child process. */
  const benchmarks: { name: string; title: string; inProcess: boolean; run: () => Promise<string[]> }[] = [
    { name: 'codec', title: 'codec: Avro in the Confluent wire format vs JSON on the same objects', inProcess: true, run: () => codecBench({ registryUrl: backbone.registryUrl, full }) },
    {
      name: 'projection',
      title: "projection: our runtime and read model vs a decode-only consumer, the store's own ceiling and a naive projector",
      inProcess: true,
      run: () => projectionBench({ ...backbone, full }, progress),
    },
    { name: 'query', title: 'query API: GET /orders/:id vs bare express + driver, the same handler uninstrumented, and a constant', inProcess: false, run: () => queryBench({ mongoUri: backbone.mongoUri, full }) },
    { name: 'command', title: 'command API: POST /orders vs raw kafkajs sends of the same records', inProcess: false, run: () => commandBench({ ...backbone, full }) },
    {
      name: 'latency',
      title: "latency: orders one after another through every service on an idle stack, 202 to CONFIRMED and per hop, vs Kafka's own latency",
      inProcess: false,
      run: () => latencyBench({ ...backbone, full }, progress),
    },
    {
      name: 'saga',
      title: 'saga throughput: the highest rate of orders that all end CONFIRMED, one and two instances of every service, vs the projector alone',
      inProcess: false,
      run: () => sagaBench({ ...backbone, full }, progress),
    },
    { name: 'freshness', title: "freshness: 202 to visible in the read model at the highest valid rate the projector keeps up with, vs Kafka's own latency", inProcess: false, run: () => freshnessBench({ ...backbone, full }, progress) },
    {
      name: 'replay',
      title: "replay: rebuilding a read model from its topics vs the live projector's runtime on the same topic, and its cost as the topic grows",
      inProcess: true,
      run: () => replayBench({ ...backbone, full }, progress),
    },
    {
      name: 'tracing',
      title: 'tracing: POST /orders and the projection with tracing on (every trace, 10%) vs off, exporting to Jaeger',
      inProcess: false,
      run: () => {
        if (!backbone.otlpEndpoint) throw new Error('the backbone has no Jaeger: set TRIBUTARY_TEST_OTLP_ENDPOINT with a given backbone');
        return tracingBench({ ...backbone, otlpEndpoint: backbone.otlpEndpoint, full });
      },
    },
  ];

  console.log(`benchmarks (${full ? 'full' : 'quick'} mode), node ${process.version}`);
  let failed = false;
  for (const benchmark of benchmarks.filter((b) => !only || only.includes(b.name))) {
    console.log(`\n${benchmark.title}`);
    try {
      const { result, cpu } = await measureCpu(benchmark.run);
      for (const line of result) console.log(`  ${line}`);
      // Load-generating benchmarks report their own generator share; for the others this process is the subject.
      if (benchmark.inProcess) console.log(`  ${formatCpuShare(cpu, 'subject (in-process)')}`);
    } catch (error) {
      failed = true;
      console.log(`  FAILED: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}
