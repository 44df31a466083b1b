import { setTimeout as sleep } from 'node:timers/promises';
import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { createEventProducer, deadLetterTopic, ensureTopics, eventTopic, readHeaders, readProvenance, type EventProducer, type Provenance } from '@tributary/kafka';
import { startPaymentGateway, type PaymentGateway } from '@tributary/payment-gateway';
import { loadPaymentGatewaySettings } from '@tributary/payment-gateway/settings';
import { startPaymentsService, type PaymentsService } from '@tributary/payments-service';
import { loadPaymentsServiceSettings } from '@tributary/payments-service/settings';
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, serviceEnvironment, testKafka, testLogger, uniqueName } from './support.ts';

/**
 * payments-service between the inventory and payments topics, calling a payment-gateway simulator
 * through its circuit breaker. Reservations are produced straight to the inventory topic.
 */
const names = { ordersTopic: uniqueName('payments'), database: uniqueName('payments') };
const env = serviceEnvironment(names, {
  // Small breaker timings so an outage opens and closes within a test.
  BREAKER_VOLUME_THRESHOLD: '3',
  BREAKER_RESET_TIMEOUT_MS: '1500',
  BREAKER_ROLLING_WINDOW_MS: '10000',
  PAYMENT_GATEWAY_TIMEOUT_MS: '2000',
  GATEWAY_LATENCY_MS: '5',
  GATEWAY_DECLINE_ABOVE: '10000',
  CONSUMER_RETRY_INITIAL_MS: '100',
  CONSUMER_RETRY_MAX_MS: '500',
});
const inventoryTopic = env.INVENTORY_TOPIC;
const paymentsTopic = env.PAYMENTS_TOPIC;

interface Outcome {
  key: string;
  eventType: string;
  headers: Record<string, string>;
  payload: Record<string, unknown>;
}

let gateway: PaymentGateway;
let payments: PaymentsService;
let producer: EventProducer;
const outcomes: Outcome[] = [];
const parked: Provenance[] = [];
const watchers: Consumer[] = [];

/** Follows a topic from its start for the whole file, read-committed as any downstream consumer. */
const follow = async (topic: string, onRecord: (message: { key: string; headers: Record<string, string>; value: Buffer | null }) => Promise<void>) => {
  const consumer = testKafka().consumer({ groupId: uniqueName('watch') });
  watchers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: ({ message }) => onRecord({ key: message.key?.toString() ?? '', headers: readHeaders(message.headers), value: message.value }) });
};

const reserved = (orderId: string, amount: string | null, currency: string | null = 'EUR') => ({
  key: orderId,
  eventType: 'StockReserved',
  payload: { orderId, items: [{ sku: 'SKU-1', quantity: 1 }], amount, currency, customerId: amount === null ? null : 'customer-1', reservedAt: new Date() },
});

const outcomesOf = (orderId: string) => outcomes.filter((o) => o.key === orderId);

const setGateway = async (behaviour: Record<string, unknown>): Promise<void> => {
  const res = await fetch(`${gateway.url}/admin/behaviour`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(behaviour) });
  expect(res.status).toBe(200);
};

/** A sample's value from the service's /metrics, matched by name and the given labels. */
const metricValue = async (name: string, labels: Record<string, string> = {}): Promise<number | undefined> => {
  const text = await (await fetch(`${payments.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

const charges = async (): Promise<Record<string, number>> => ((await (await fetch(`${gateway.url}/admin/charges`)).json()) as { keys: Record<string, number> }).keys;

beforeAll(async () => {
  const kafka = testKafka();
  await ensureTopics(kafka, [inventoryTopic, paymentsTopic, deadLetterTopic(inventoryTopic)].map((topic) => eventTopic(topic, 6, 1)));
  gateway = await startPaymentGateway(loadPaymentGatewaySettings(env), testLogger('payment-gateway'));
  payments = await startPaymentsService(loadPaymentsServiceSettings({ ...env, PAYMENT_GATEWAY_URL: gateway.url }), testLogger('payments-service'));
  const codec = createAvroCodec({ registryUrl: inject('backbone').registryUrl, catalog: loadSchemaCatalog() });
  producer = createEventProducer({ kafka, codec, producerName: 'inventory-service' });
  await producer.connect();
  await follow(paymentsTopic, async ({ key, headers, value }) => {
    const { eventType, payload } = await codec.decode<Record<string, unknown>>(value);
    outcomes.push({ key, eventType, headers, payload });
  });
  await follow(deadLetterTopic(inventoryTopic), ({ headers }) => {
    const provenance = readProvenance(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])));
    if (provenance) parked.push(provenance);
    return Promise.resolve();
  });
  await eventually(() => Promise.resolve(payments.consumerJoined() || undefined), { timeoutMs: 30_000 });
});

afterAll(async () => {
  await Promise.allSettled(watchers.map((w) => w.disconnect()));
  await producer?.disconnect();
  await payments?.stop();
  await gateway?.stop();
});

describe('payments-service with the payment gateway on the real backbone', () => {
  it('produces PaymentAuthorized or PaymentDeclined for each reservation, caused by it, and ignores other inventory events', async () => {
    const [authorizedCause, declinedCause] = await producer.publish(inventoryTopic, [reserved('pay-ok', '19.99'), reserved('pay-big', '10000.01')]);
    await producer.publish(inventoryTopic, [{ key: 'pay-released', eventType: 'StockReleased', payload: { orderId: 'pay-released', items: [{ sku: 'SKU-1', quantity: 1 }], releasedAt: new Date() } }]);

    await eventually(() => Promise.resolve(outcomesOf('pay-ok').length > 0 && outcomesOf('pay-big').length > 0 ? true : undefined), { timeoutMs: 20_000 });
    const [authorized] = outcomesOf('pay-ok');
    expect(authorized).toMatchObject({ eventType: 'PaymentAuthorized', payload: { orderId: 'pay-ok', amount: '19.99', currency: 'EUR', authorizationId: expect.any(String) as string } });
    expect(authorized?.headers['causation-id']).toBe(authorizedCause?.eventId);
    const [declined] = outcomesOf('pay-big');
    expect(declined).toMatchObject({ eventType: 'PaymentDeclined', payload: { orderId: 'pay-big', amount: '10000.01', reason: 'AMOUNT_OVER_LIMIT' } });
    expect(declined?.headers['causation-id']).toBe(declinedCause?.eventId);

    // The order id is the idempotency key: the gateway decided each order once.
    const charged = await charges();
    expect([charged['pay-ok'], charged['pay-big']]).toEqual([1, 1]);
    const replay = await fetch(`${gateway.url}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'pay-ok' },
      body: JSON.stringify({ orderId: 'pay-ok', amount: '19.9900', currency: 'EUR' }),
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toMatchObject({ status: 'AUTHORIZED', authorizationId: authorized?.payload['authorizationId'] });
    expect(outcomesOf('pay-released')).toEqual([]);
  });

  it('dead-letters a version 1 reservation, which carries no amount, with a reason, and states the payment failed', async () => {
    await producer.publish(inventoryTopic, [{ ...reserved('pay-v1', null, null), payload: { orderId: 'pay-v1', items: [{ sku: 'SKU-1', quantity: 1 }], reservedAt: new Date() }, version: 1 }]);
    const provenance = await eventually(() => Promise.resolve(parked.find((p) => p.errorMessage.includes('pay-v1'))), { timeoutMs: 20_000 });
    expect(provenance).toMatchObject({ errorCode: 'VALIDATION_FAILED', originalTopic: inventoryTopic, consumerGroup: env.PAYMENTS_SERVICE_GROUP });
    expect(provenance.errorMessage).toContain('written before version 2');
    // The step's failure is a fact of its own, so the saga rejects the order instead of waiting for it.
    const outcomes = await eventually(() => Promise.resolve(outcomesOf('pay-v1').length > 0 ? outcomesOf('pay-v1') : undefined), { timeoutMs: 20_000 });
    expect(outcomes.map((outcome) => outcome.eventType)).toEqual(['PaymentFailed']);
    expect(outcomes[0]?.payload).toMatchObject({ orderId: 'pay-v1', errorCode: 'VALIDATION_FAILED' });
  });

  it('rides out a gateway outage: the breaker opens and partitions wait paused, then every order gets one outcome, charged at most once', async () => {
    const parkedBefore = parked.length;
    const deadLetteredBefore = (await metricValue('consumer_dead_lettered_total', { topic: inventoryTopic })) ?? 0;
    await setGateway({ failureRate: 1 });
    const orders = Array.from({ length: 8 }, (_, i) => `outage-${i}`);
    await producer.publish(inventoryTopic, orders.map((orderId, i) => reserved(orderId, i === 3 ? '20000' : `${10 + i}.50`)));

    // The breaker opens and the consumer stops calling instead of retrying into the outage.
    await eventually(async () => ((await metricValue('breaker_state', { breaker: 'payment-gateway' })) === 2 ? true : undefined), { timeoutMs: 20_000 });
    await eventually(async () => (((await metricValue('consumer_paused_partitions', { topic: inventoryTopic })) ?? 0) > 0 ? true : undefined), { timeoutMs: 10_000 });
    // After the reset timeout one probe call goes through, finds the gateway still failing and opens the breaker again.
    await eventually(
      async () => (((await metricValue('breaker_open_seconds_total', { breaker: 'payment-gateway' })) ?? 0) > 0 && (await metricValue('breaker_state', { breaker: 'payment-gateway' })) === 2 ? true : undefined),
      { timeoutMs: 20_000 },
    );
    expect((await metricValue('breaker_calls_total', { breaker: 'payment-gateway', outcome: 'rejected' })) ?? 0).toBeGreaterThan(0);
    expect(orders.flatMap(outcomesOf)).toEqual([]);
    expect(parked.length).toBe(parkedBefore);
    const chargedDuringOutage = await charges();
    expect(orders.filter((orderId) => chargedDuringOutage[orderId] !== undefined)).toEqual([]);

    const recovering = Date.now();
    await setGateway({ failureRate: 0 });
    await eventually(() => Promise.resolve(orders.every((orderId) => outcomesOf(orderId).length > 0) ? true : undefined), { timeoutMs: 30_000, intervalMs: 200 });
    console.log(`every order of the outage had its outcome ${Date.now() - recovering} ms after the gateway recovered`);
    expect(await metricValue('breaker_state', { breaker: 'payment-gateway' })).toBe(0);

    // Let any duplicate that would come arrive before counting.
    await sleep(1_000);
    expect(orders.map((orderId) => outcomesOf(orderId).length)).toEqual(orders.map(() => 1));
    expect(orders.map((orderId) => outcomesOf(orderId)[0]?.eventType)).toEqual(orders.map((orderId) => (orderId === 'outage-3' ? 'PaymentDeclined' : 'PaymentAuthorized')));
    const charged = await charges();
    expect(orders.map((orderId) => charged[orderId])).toEqual(orders.map(() => 1));
    expect(Object.values(charged).every((times) => times <= 1)).toBe(true);
    expect(parked.length).toBe(parkedBefore);
    expect((await metricValue('consumer_dead_lettered_total', { topic: inventoryTopic })) ?? 0).toBe(deadLetteredBefore);
  });
});
