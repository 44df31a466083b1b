import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startInventoryService } from '@tributary/inventory-service';
import { loadInventoryServiceSettings } from '@tributary/inventory-service/settings';
import { startOrdersApi } from '@tributary/orders-api';
import { loadOrdersApiSettings } from '@tributary/orders-api/settings';
import { startPaymentGateway } from '@tributary/payment-gateway';
import { loadPaymentGatewaySettings } from '@tributary/payment-gateway/settings';
import { startQueryApi } from '@tributary/query-api';
import { loadQueryApiSettings } from '@tributary/query-api/settings';
import type { RunningService } from '@tributary/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEnvironment, testKafka, testLogger, uniqueName } from '../support.ts';
import { pythonTools, runSchemathesis } from './schemathesis.ts';

const endOffsetTotal = async (topic: string): Promise<number> => {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0);
  } finally {
    await admin.disconnect();
  }
};

/**
 * Schemathesis against each HTTP API, from the OpenAPI document it serves, with `maxExamples`
 * examples per operation. No 5xx, no answer outside its documented schema, and nothing produced
 * for a refused command: orders-api runs alone on its topic, so the topic grows by exactly one
 * record per 202. Reports go to .tributary/<reportName>.
 */
export const fuzzEveryApi = (maxExamples: number, reportName: string): void => {
  const reports = fileURLToPath(new URL(`../../.tributary/${reportName}`, import.meta.url));
  const names = { ordersTopic: uniqueName('fuzz'), database: uniqueName('fuzz') };
  const env = serviceEnvironment(names, { COMMAND_RATE_LIMIT: '0' });
  const services: (RunningService & { url: string })[] = [];
  let python: string;
  const urls: Record<string, string> = {};

  beforeAll(async () => {
    python = await pythonTools();
    const started = await Promise.all([
      startOrdersApi(loadOrdersApiSettings(env), testLogger('orders-api')),
      startQueryApi(loadQueryApiSettings(env), testLogger('query-api')),
      startInventoryService(loadInventoryServiceSettings(env), testLogger('inventory-service')),
      startPaymentGateway(loadPaymentGatewaySettings({ ...env, GATEWAY_LATENCY_MS: '0' }), testLogger('payment-gateway')),
    ]);
    services.push(...started);
    ['orders-api', 'query-api', 'inventory-service', 'payment-gateway'].forEach((name, index) => (urls[name] = started[index]?.url ?? ''));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
  });

  describe('Schemathesis from the OpenAPI documents', () => {
    it.each(['orders-api', 'query-api', 'inventory-service', 'payment-gateway'])('finds nothing wrong in %s', async (name) => {
      const before = name === 'orders-api' ? await endOffsetTotal(names.ordersTopic) : 0;
      const result = await runSchemathesis({ url: `${urls[name]}/openapi.json`, maxExamples, reportDir: join(reports, name), python });
      console.log(`${name}: ${result.generated} test cases, ${result.exchanges.length} requests, ${result.failures} failures`);
      expect(result.code, result.summary).toBe(0);
      expect(result.exchanges.filter((exchange) => exchange.status >= 500 && exchange.status !== 503)).toEqual([]);
      if (name === 'orders-api') {
        const accepted = result.exchanges.filter((exchange) => exchange.method === 'POST' && exchange.status === 202).length;
        expect(await endOffsetTotal(names.ordersTopic)).toBe(before + accepted);
      }
    }, Math.max(240_000, maxExamples * 3_000));
  });
};
