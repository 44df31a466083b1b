import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSettings } from '@tributary/config';
import { ordersServiceSettings } from '@tributary/orders-service/settings';
import { stackUp, type StackEndpoints } from '@tributary/stack';
import { acceptedIds, checkCounts, countsHold, formatCounts } from './count-check.ts';
import { installK6, runK6 } from './k6.ts';
import { prefillOrders, stockSkus } from './prefill.ts';
import { startLocalServices, type Targets } from './services.ts';

const usage = `Usage: npm run load [-- --full] [--soak] [--scenario commands,queries,end-to-end]
  Runs the k6 scenarios under load/scenarios (smoke mode unless --full; --soak runs only the soak
  scenario, for an hour by default) and then checks that every accepted order is in the read model
  exactly once and final (CONFIRMED, REJECTED or CANCELLED) once the saga deadline has passed.
  Exits non-zero if a threshold or the count check fails.

  Targets: ORDERS_API_URL and QUERY_API_URL (with INVENTORY_URL to stock the SKUs, else stock
  LOAD_SKUS beforehand, and mind COMMAND_RATE_LIMIT there; ORDER_DEADLINE_MS: their saga's
  deadline, if not the default 30000); without them, every service starts in
  this process on the local backbone (KAFKA_BROKERS, SCHEMA_REGISTRY_URL and MONGODB_URI, or the
  local stack, started if not running), with its own topics and database and no rate limit.

  LOAD_RATE, LOAD_DURATION: override the scenarios' arrival rate (per second) and duration.
  K6_BINARY: a k6 of your own instead of the project's build (infra/scripts/install-k6.sh).
  Summaries: .tributary/load/<scenario>.json (k6's handleSummary data).`;

// kafkajs's note about its default partitioner is for code that relied on the old one; ours never did.
process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';

const root = fileURLToPath(new URL('..', import.meta.url));
const outputDir = join(root, '.tributary', 'load');
// End to end first: it needs the saga idle, and the others leave a backlog behind them.
const scenarioNames = ['end-to-end', 'queries', 'commands'] as const;

const { values } = parseArgs({
  options: { full: { type: 'boolean' }, soak: { type: 'boolean' }, scenario: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  strict: true,
});

const localBackbone = async (env: NodeJS.ProcessEnv): Promise<StackEndpoints> => {
  const brokers = env['KAFKA_BROKERS'];
  const registryUrl = env['SCHEMA_REGISTRY_URL'];
  const mongoUri = env['MONGODB_URI'];
  if (brokers && registryUrl && mongoUri) return { kafkaBrokers: brokers.split(',').map((b) => b.trim()), registryUrl, mongoUri };
  return stackUp({ onProgress: (line) => console.error(`stack: ${line}`) });
};

const targetsFrom = async (env: NodeJS.ProcessEnv): Promise<Targets & { runId: string }> => {
  const ordersApiUrl = env['ORDERS_API_URL'];
  const queryApiUrl = env['QUERY_API_URL'];
  if (ordersApiUrl && queryApiUrl) {
    const inventoryUrl = env['INVENTORY_URL'];
    // Read as orders-service reads it: the same variable, the same default and the same limits.
    const { orderDeadlineMs } = loadSettings({ orderDeadlineMs: ordersServiceSettings.orderDeadlineMs }, env);
    return { runId: randomBytes(4).toString('hex'), ordersApiUrl, queryApiUrl, ...(inventoryUrl ? { inventoryUrl } : {}), orderDeadlineMs, stop: () => Promise.resolve() };
  }
  console.error('load: starting every service in this process');
  const level = env['LOG_LEVEL'];
  return startLocalServices(await localBackbone(env), level === 'error' || level === 'info' || level === 'debug' ? level : 'warn');
};

const main = async (): Promise<number> => {
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const mode = values.soak ? 'soak' : values.full ? 'full' : 'smoke';
  const chosen = values.soak ? ['soak'] : (values.scenario?.split(',').map((s) => s.trim()) ?? [...scenarioNames]);
  const unknown = chosen.filter((name) => name !== 'soak' && !(scenarioNames as readonly string[]).includes(name));
  if (unknown.length > 0) {
    console.error(`load: unknown scenario ${unknown.join(', ')} (known: ${scenarioNames.join(', ')}, soak)`);
    return 2;
  }
  const k6 = await installK6();
  await mkdir(outputDir, { recursive: true });
  const targets = await targetsFrom(process.env);
  const skus = process.env['LOAD_SKUS']?.split(',') ?? ['LOAD-SKU-1', 'LOAD-SKU-2', 'LOAD-SKU-3', 'LOAD-SKU-4'];
  const failures: string[] = [];
  try {
    if (targets.inventoryUrl) await stockSkus(targets.inventoryUrl, skus);
    else console.error(`load: no INVENTORY_URL; SKUs ${skus.join(', ')} must be in stock, or end-to-end orders are rejected`);
    console.log(`load: ${mode} run ${targets.runId} against ${targets.ordersApiUrl} (commands) and ${targets.queryApiUrl} (queries)`);

    for (const scenario of chosen) {
      const variables: Record<string, string> = {
        ORDERS_API_URL: targets.ordersApiUrl,
        QUERY_API_URL: targets.queryApiUrl,
        LOAD_MODE: mode,
        LOAD_RUN_ID: targets.runId,
        LOAD_SCENARIO: scenario,
        LOAD_SKUS: skus.join(','),
        LOAD_SUMMARY_FILE: join(outputDir, `${scenario}.json`),
      };
      for (const name of ['LOAD_RATE', 'LOAD_DURATION'] as const) {
        const value = process.env[name];
        if (value) variables[name] = value;
      }
      if (scenario === 'queries') {
        const size = mode === 'full' ? { customers: 50, ordersEach: 20 } : { customers: 5, ordersEach: 5 };
        console.log(`\nqueries: filling the read model with ${size.customers * size.ordersEach} orders`);
        const orders = await prefillOrders(targets, { runId: targets.runId, ...size, sku: skus[0] ?? 'LOAD-SKU-1' });
        variables['LOAD_ORDERS_FILE'] = join(outputDir, 'queries-orders.json');
        await writeFile(variables['LOAD_ORDERS_FILE'], JSON.stringify(orders));
      }
      const consoleFile = join(outputDir, `${scenario}.console.log`);
      await rm(consoleFile, { force: true });
      console.log('');
      const code = await runK6({ k6, script: join(root, 'load', 'scenarios', `${scenario}.js`), variables, consoleFile });
      if (code !== 0) failures.push(`${scenario}: k6 exited ${code}${code === 99 ? ' (a threshold failed)' : ''}`);

      // The count check: only scenarios that place orders of their own.
      if (scenario !== 'queries') {
        const accepted = acceptedIds(await readFile(consoleFile, 'utf8').catch(() => ''));
        const result = await checkCounts(targets.queryApiUrl, `load-${targets.runId}-${scenario}`, accepted, { deadlineMs: targets.orderDeadlineMs });
        console.log(`  count check ${formatCounts(scenario, result)}`);
        if (!countsHold(result)) failures.push(`${scenario}: count check failed`);
      }
    }
  } finally {
    await targets.stop();
  }
  console.log(failures.length === 0 ? `\nload: every threshold held; summaries in ${outputDir}` : `\nload: FAILED\n  ${failures.join('\n  ')}`);
  return failures.length === 0 ? 0 : 1;
};

const code = await main().catch((error: unknown) => {
  console.error(`load: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 1;
});
// Exit now: a client library's idle timers must not keep a finished run waiting.
process.exit(code);
