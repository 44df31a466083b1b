import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { createEventProducer, deadLetterTopic, ensureTopics, eventTopic, type EventProducer } from '@tributary/kafka';
import { createLogger } from '@tributary/logger';
import { startPaymentGateway, type PaymentGateway } from '@tributary/payment-gateway';
import { loadPaymentGatewaySettings } from '@tributary/payment-gateway/settings';
import { startPaymentsService, type PaymentsService } from '@tributary/payments-service';
import { loadPaymentsServiceSettings } from '@tributary/payments-service/settings';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, serviceEnvironment, testKafka, testLogger, uniqueName } from './support.ts';

/**
 * Settings changed through TRIBUTARY_CONFIG_FILE while payments-service runs on the real backbone,
 * seen by what the service does: its breaker on the gateway opens after fewer failures once the
 * file lowers the volume threshold, a debug line appears once the file sets LOG_LEVEL=debug, a bad
 * file changes nothing, and a setting that needs a restart is named and left as it is.
 */
const names = { ordersTopic: uniqueName('reload'), database: uniqueName('reload') };
const settingsFile = join(mkdtempSync(join(tmpdir(), 'tributary-settings-')), 'payments-service.yaml');
const env = serviceEnvironment(names, {
  LOG_LEVEL: 'info',
  TRIBUTARY_CONFIG_FILE: settingsFile,
  BREAKER_RESET_TIMEOUT_MS: '1000',
  BREAKER_ROLLING_WINDOW_MS: '10000',
  CONSUMER_RETRY_INITIAL_MS: '100',
  CONSUMER_RETRY_MAX_MS: '200',
  GATEWAY_LATENCY_MS: '5',
});
const inventoryTopic = env.INVENTORY_TOPIC;

/** The service's log lines, as JSON objects. */
const lines: Record<string, unknown>[] = [];
const logStream = new PassThrough();
logStream.on('data', (chunk: Buffer) => {
  for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
});
const logged = (level: string, pattern: RegExp) => lines.filter((line) => line['level'] === level && pattern.test(String(line['message'])));
const debugOutcome = (orderId: string) => logged('debug', /payment outcome produced/).some((line) => line['orderId'] === orderId);

let gateway: PaymentGateway;
let payments: PaymentsService;
let producer: EventProducer;

const reserve = (orderId: string) =>
  producer.publish(inventoryTopic, [
    { key: orderId, eventType: 'StockReserved', payload: { orderId, items: [{ sku: 'SKU-1', quantity: 1 }], amount: '5.00', currency: 'EUR', customerId: 'customer-1', reservedAt: new Date() } },
  ]);

const setGateway = async (behaviour: Record<string, unknown>): Promise<void> => {
  const res = await fetch(`${gateway.url}/admin/behaviour`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(behaviour) });
  expect(res.status).toBe(200);
};

const metricValue = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
  const text = await (await fetch(`${payments.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
};
const failures = () => metricValue('breaker_calls_total', { outcome: 'failure' });
const settingsVersion = async (): Promise<string> => ((await (await fetch(`${payments.url}/readyz`)).json()) as { settings: { version: string } }).settings.version;
const charged = async (orderId: string): Promise<boolean> => (((await (await fetch(`${gateway.url}/admin/charges`)).json()) as { keys: Record<string, number> }).keys[orderId] ?? 0) > 0;

/** Writes the settings file and waits until the service has read it (counted under `result`). */
const rewrite = async (text: string, result: 'applied' | 'refused'): Promise<void> => {
  const before = await metricValue('config_reloads_total', { result });
  writeFileSync(settingsFile, text);
  await eventually(async () => ((await metricValue('config_reloads_total', { result })) > before ? true : undefined), { timeoutMs: 10_000 });
};

beforeAll(async () => {
  writeFileSync(settingsFile, 'LOG_LEVEL: info\nBREAKER_VOLUME_THRESHOLD: 1000\nBREAKER_ERROR_THRESHOLD_PERCENT: 50\n');
  const kafka = testKafka();
  await ensureTopics(kafka, [inventoryTopic, env.PAYMENTS_TOPIC, deadLetterTopic(inventoryTopic)].map((topic) => eventTopic(topic, 2, 1)));
  // The file is payments-service's: the simulator runs without one.
  gateway = await startPaymentGateway(loadPaymentGatewaySettings({ ...env, TRIBUTARY_CONFIG_FILE: '' }), testLogger('payment-gateway'));
  const logger = createLogger({ service: 'payments-service', level: 'info', stream: logStream });
  payments = await startPaymentsService(loadPaymentsServiceSettings({ ...env, PAYMENT_GATEWAY_URL: gateway.url }), logger);
  producer = createEventProducer({ kafka, codec: createAvroCodec({ registryUrl: inject('backbone').registryUrl, catalog: loadSchemaCatalog() }), producerName: 'inventory-service' });
  await producer.connect();
  await eventually(() => Promise.resolve(payments.consumerJoined() || undefined), { timeoutMs: 30_000 });
});

afterAll(async () => {
  await producer?.disconnect();
  await payments?.stop();
  await gateway?.stop();
});

describe('settings changed through the settings file while a service runs', () => {
  it('runs with the file it started with: a payment goes through, and nothing is logged at debug', async () => {
    await reserve('reload-1');
    await eventually(async () => ((await charged('reload-1')) ? true : undefined), { timeoutMs: 20_000 });
    await eventually(() => Promise.resolve(logged('info', /settings file read/).length > 0 || undefined));
    expect(lines.filter((line) => line['level'] === 'debug')).toEqual([]);
  });

  it('keeps the breaker closed through many failures while the file sets a volume threshold of 1000', async () => {
    await setGateway({ failureRate: 1 });
    await reserve('reload-2');
    await eventually(async () => ((await failures()) >= 8 ? true : undefined), { timeoutMs: 20_000 });
    expect(await metricValue('breaker_state')).toBe(0);
    expect(logged('warn', /circuit breaker opened/)).toEqual([]);
  });

  it('opens the breaker after fewer failures, and logs at debug, once the file lowers the threshold and sets LOG_LEVEL=debug', async () => {
    const version = await settingsVersion();
    await rewrite('LOG_LEVEL: debug\nBREAKER_VOLUME_THRESHOLD: 3\nBREAKER_ERROR_THRESHOLD_PERCENT: 50\n', 'applied');
    const failedBefore = await failures();
    expect(await settingsVersion()).not.toBe(version);
    // The calls within the window are far more than 3, all failed: the next failure opens it.
    await eventually(() => Promise.resolve(logged('warn', /circuit breaker opened/).length > 0 || undefined), { timeoutMs: 10_000 });
    expect(await metricValue('breaker_state')).toBe(2);
    expect((await failures()) - failedBefore).toBeLessThanOrEqual(3);
    // The gateway recovers: the probe after the reset time closes the breaker and the payment is produced, logged at debug.
    await setGateway({ failureRate: 0 });
    await eventually(() => Promise.resolve(debugOutcome('reload-2') || undefined), { timeoutMs: 20_000 });
    expect(logged('info', /settings reloaded/).at(-1)).toMatchObject({ changed: { LOG_LEVEL: 'debug', BREAKER_VOLUME_THRESHOLD: 3 } });
  });

  it('refuses a bad file with one error line naming the field, and keeps the settings in force', async () => {
    const version = await settingsVersion();
    const errorsBefore = lines.filter((line) => line['level'] === 'error').length;
    await rewrite('LOG_LEVEL: info\nBREAKER_VOLUME_THRESHOLD: 0\n', 'refused');
    const errors = lines.filter((line) => line['level'] === 'error').slice(errorsBefore);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.['message']).toMatch(/Settings file .* refused: BREAKER_VOLUME_THRESHOLD: must be at least 1 \(got "0"\); the settings in force stay/);
    expect(await settingsVersion()).toBe(version);
    expect(await metricValue('config_last_reload_successful')).toBe(0);
    // LOG_LEVEL=info in the refused file did not take effect: the next payment is still logged at debug.
    await reserve('reload-3');
    await eventually(() => Promise.resolve(debugOutcome('reload-3') || undefined), { timeoutMs: 20_000 });
  });

  it('names a setting that needs a restart in a warning and leaves it as it is, while applying the others', async () => {
    await rewrite('LOG_LEVEL: info\nBREAKER_VOLUME_THRESHOLD: 3\nKAFKA_BROKERS: 127.0.0.1:1\n', 'applied');
    expect(logged('warn', /need a restart; left as they are: KAFKA_BROKERS/)).toHaveLength(1);
    // Still on the test backbone's Kafka, and back at info: the payment goes through without a debug line.
    await reserve('reload-4');
    await eventually(async () => ((await charged('reload-4')) ? true : undefined), { timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(debugOutcome('reload-4')).toBe(false);
    expect(await metricValue('config_last_reload_successful')).toBe(1);
  });
});
