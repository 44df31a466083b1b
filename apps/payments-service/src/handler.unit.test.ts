import type { StockReserved } from '@tributary/contracts';
import { TributaryError } from '@tributary/errors';
import type { ConsumedEvent, TransactionalEventProducer, TransactionalOutput } from '@tributary/kafka';
import { createLogger } from '@tributary/logger';
import { createMetricsRegistry } from '@tributary/metrics';
import { createBreaker } from '@tributary/resilience';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GatewayAnswer, PaymentRequest } from './gateway-client.ts';
import { batchFailure, createPaymentHandler } from './handler.ts';

const logger = createLogger({ service: 'test', level: 'error' });

let offset = 0;
const consumed = (eventType: string, payload: Partial<StockReserved>): ConsumedEvent<unknown> => {
  offset += 1;
  return {
    topic: 'inventory',
    partition: 0,
    offset: String(offset),
    key: payload.orderId ?? null,
    timestamp: '0',
    headers: { 'event-id': `e-${offset}` },
    event: { eventType, fullName: `io.tributary.inventory.${eventType}`, schemaId: 1, payload: { items: [], amount: '10', currency: 'EUR', customerId: 'c', reservedAt: new Date(0), ...payload } },
  };
};

const setup = (answer: (request: PaymentRequest) => Promise<GatewayAnswer>) => {
  const transactions: { outputs: readonly TransactionalOutput[]; positions: unknown }[] = [];
  const producer = {
    publishAndCommit: vi.fn((outputs: readonly TransactionalOutput[], { positions }: { positions: unknown }) => {
      transactions.push({ outputs, positions });
      return Promise.resolve();
    }),
  } as unknown as TransactionalEventProducer;
  const action = vi.fn((_key: string, request: PaymentRequest) => answer(request));
  const breaker = createBreaker({ name: 'gateway', action, timeoutMs: 1_000, errorThresholdPercentage: 50, rollingWindowMs: 10_000, volumeThreshold: 100, resetTimeoutMs: 1_000, logger });
  const handle = createPaymentHandler({ breaker, producer, groupId: 'payments', paymentsTopic: 'payments', concurrency: 2, logger, metrics: createMetricsRegistry('test') });
  return { handle, transactions, action, breaker };
};

describe('the payment handler', () => {
  let shutdown: () => void = () => undefined;
  afterEach(() => shutdown());

  it('authorizes a zero total without calling the gateway, which refuses an amount of 0', async () => {
    const { handle, transactions, action } = setup(() => Promise.reject(new Error('no call expected')));
    await handle([consumed('StockReserved', { orderId: 'free-1', amount: '0.0000' })]);
    expect(action).not.toHaveBeenCalled();
    expect(transactions[0]?.outputs[0]?.events[0]).toMatchObject({ key: 'free-1', eventType: 'PaymentAuthorized', payload: { amount: '0.0000', authorizationId: 'no-charge' } });
  });

  it('charges every reserved order with its id as idempotency key and produces all outcomes in one transaction with the batch\'s offsets', async () => {
    const { handle, transactions, action, breaker } = setup((request) =>
      Promise.resolve(request.orderId === 'o-2' ? { status: 'DECLINED', reason: 'DECLINED_BY_ISSUER' } : { status: 'AUTHORIZED', authorizationId: `a-${request.orderId}` }),
    );
    shutdown = () => breaker.shutdown();
    const batch = [consumed('StockReserved', { orderId: 'o-1' }), consumed('StockReleased', { orderId: 'o-9' }), consumed('StockReserved', { orderId: 'o-2' })];
    await handle(batch);
    expect(action.mock.calls.map(([key]) => key)).toEqual(['o-1', 'o-2']);
    expect(transactions).toHaveLength(1);
    expect(transactions[0]?.outputs[0]?.events.map((e) => [e.key, e.eventType])).toEqual([
      ['o-1', 'PaymentAuthorized'],
      ['o-2', 'PaymentDeclined'],
    ]);
    expect(transactions[0]?.positions).toEqual([{ topic: 'inventory', partition: 0, offset: batch[2]?.offset }]);
  });

  it('produces nothing for a batch without reservations', async () => {
    const { handle, transactions, action, breaker } = setup(() => Promise.reject(new Error('not called')));
    shutdown = () => breaker.shutdown();
    await handle([consumed('StockRejected', { orderId: 'o-1' })]);
    expect(action).not.toHaveBeenCalled();
    expect(transactions).toHaveLength(0);
  });

  it('produces nothing and fails the whole batch when one call fails', async () => {
    const { handle, transactions, breaker } = setup((request) =>
      request.orderId === 'o-2' ? Promise.reject(new TributaryError('UPSTREAM_FAILED', 'gateway answered 503')) : Promise.resolve({ status: 'AUTHORIZED', authorizationId: 'a' }),
    );
    shutdown = () => breaker.shutdown();
    await expect(handle([consumed('StockReserved', { orderId: 'o-1' }), consumed('StockReserved', { orderId: 'o-2' })])).rejects.toMatchObject({ code: 'UPSTREAM_FAILED' });
    expect(transactions).toHaveLength(0);
  });

  it('refuses a batch with a version 1 reservation before calling the gateway', async () => {
    const { handle, action, breaker } = setup(() => Promise.resolve({ status: 'AUTHORIZED', authorizationId: 'a' }));
    shutdown = () => breaker.shutdown();
    await expect(handle([consumed('StockReserved', { orderId: 'o-1' }), consumed('StockReserved', { orderId: 'o-2', amount: null, currency: null })])).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(action).not.toHaveBeenCalled();
  });
});

describe('batchFailure', () => {
  it('prefers a record no retry fixes, then an open breaker, then the first failure', () => {
    const failed = new TributaryError('UPSTREAM_FAILED', 'x');
    const open = new TributaryError('CIRCUIT_OPEN', 'x');
    const rejected = new TributaryError('UPSTREAM_REJECTED', 'x');
    expect(batchFailure([failed, open, rejected])).toBe(rejected);
    expect(batchFailure([failed, open])).toBe(open);
    expect(batchFailure([failed, new TributaryError('TIMEOUT', 'x')])).toBe(failed);
  });
});
