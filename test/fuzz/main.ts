import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pythonTools, runSchemathesis } from './schemathesis.ts';

/*
 * npm run fuzz: Schemathesis against each HTTP API of a running platform (`npm start`), from the
 * OpenAPI document each serves. FUZZ_MAX_EXAMPLES bounds the examples per operation (100); the
 * addresses are the local defaults unless ORDERS_API_URL, QUERY_API_URL, INVENTORY_SERVICE_URL or
 * PAYMENT_GATEWAY_URL say otherwise. Reports go to .tributary/fuzz/<service>/.
 */
const help = `usage: npm run fuzz [-- --help]
Fuzzes orders-api, query-api, the inventory stock API and the gateway simulator of a running
platform from their OpenAPI documents (Schemathesis, in the cached virtualenv of
infra/scripts/install-python-tools.sh). FUZZ_MAX_EXAMPLES (100) bounds examples per operation.`;

if (process.argv.includes('--help')) {
  console.log(help);
  process.exit(0);
}

const env = process.env;
const apis = [
  ['orders-api', env['ORDERS_API_URL'] ?? 'http://127.0.0.1:3000'],
  ['query-api', env['QUERY_API_URL'] ?? 'http://127.0.0.1:3001'],
  ['inventory-service', env['INVENTORY_SERVICE_URL'] ?? 'http://127.0.0.1:3003'],
  ['payment-gateway', env['PAYMENT_GATEWAY_URL'] ?? 'http://127.0.0.1:3099'],
] as const;
const maxExamples = Number(env['FUZZ_MAX_EXAMPLES'] ?? 100);
const reports = fileURLToPath(new URL('../../.tributary/fuzz', import.meta.url));

const python = await pythonTools();
let failed = 0;
for (const [name, url] of apis) {
  const result = await runSchemathesis({ url: `${url}/openapi.json`, maxExamples, reportDir: join(reports, name), python });
  const serverErrors = result.exchanges.filter((exchange) => exchange.status >= 500 && exchange.status !== 503).length;
  console.log(`\n=== ${name} (${url}): ${result.generated} test cases, ${result.exchanges.length} requests, ${result.failures} failures, ${serverErrors} 5xx other than 503\n${result.summary}`);
  if (result.code !== 0 || serverErrors > 0) failed += 1;
}
process.exitCode = failed === 0 ? 0 : 1;
