import type { ConsumedEvent } from '@tributary/kafka';
import type { ClaimResult, SagaFacts, SagaOutcome, SagaStore } from '@tributary/order-saga';
import { describe, expect, it } from 'vitest';
import { sagaStep } from './saga-step.ts';

/** The store's contract in memory: facts merge, the first outcome claimed stands. */
const memoryStore = (): SagaStore & { outcomes: Map<string, SagaOutcome> } => {
  const facts = new Map<string, SagaFacts>();
  const outcomes = new Map<string, SagaOutcome>();
  return {
    outcomes,
    recordFacts: (orderId, fields) => {
      const merged = { ...(facts.get(orderId) ?? { orderId }), ...fields };
      facts.set(orderId, merged);
      return Promise.resolve(merged);
    },
    readFacts: (orderId) => Promise.resolve(facts.get(orderId)),
    claimOutcome: (outcome): Promise<ClaimResult> => {
      const existing = outcomes.get(outcome.orderId);
      if (existing) return Promise.resolve({ claimed: false, existing });
      outcomes.set(outcome.orderId, outcome);
      return Promise.resolve({ claimed: true });
    },
    readOutcome: (orderId) => Promise.resolve(outcomes.get(orderId)),
    releaseOutcome: (orderId) => {
      outcomes.delete(orderId);
      return Promise.resolve();
    },
  };
};

const at = new Date('2026-01-01T10:00:00Z');
let offset = 0;
const consumed = (eventType: string, payload: Record<string, unknown>, eventId = `event-${offset}`): ConsumedEvent<unknown> => {
  offset += 1;
  return {
    topic: 't',
    partition: 0,
    offset: String(offset),
    key: payload['orderId'] as string,
    timestamp: '0',
    headers: { 'event-id': eventId, 'correlation-id': 'corr-1' },
    event: { eventType, payload, schemaId: 1, version: 1 } as unknown as ConsumedEvent<unknown>['event'],
  };
};

const reserved = (orderId: string) => consumed('StockReserved', { orderId, amount: '5.0000', currency: 'EUR', customerId: 'c-1', items: [], reservedAt: at });
const authorized = (orderId: string, eventId?: string) =>
  consumed('PaymentAuthorized', { orderId, amount: '5.0000', currency: 'EUR', authorizationId: 'a', authorizedAt: at }, eventId);

describe('one saga step', () => {
  it('publishes the decision once, with an event id that depends on the order alone', async () => {
    const store = memoryStore();
    expect(await sagaStep(store, reserved('o-1'), 'orders-service', () => at)).toBeUndefined();
    const output = await sagaStep(store, authorized('o-1', 'pay-1'), 'orders-service', () => at);
    expect(output).toMatchObject({ key: 'o-1', eventType: 'OrderConfirmed', context: { causationId: 'pay-1', correlationId: 'corr-1' } });
    // A second copy of the payment outcome (a different event) adds nothing.
    expect(await sagaStep(store, authorized('o-1', 'pay-2'), 'orders-service', () => at)).toBeUndefined();
  });

  it('publishes again when the event that decided is redelivered (its first transaction was aborted)', async () => {
    const store = memoryStore();
    await sagaStep(store, reserved('o-2'), 'orders-service', () => at);
    const first = await sagaStep(store, authorized('o-2', 'pay-9'), 'orders-service', () => at);
    const again = await sagaStep(store, authorized('o-2', 'pay-9'), 'orders-service', () => new Date(at.getTime() + 1000));
    expect(again).toEqual(first);
  });

  it('leaves an order someone else made final alone', async () => {
    const store = memoryStore();
    await sagaStep(store, reserved('o-3'), 'orders-service', () => at);
    await store.claimOutcome({ eventType: 'OrderCancelled', orderId: 'o-3', payload: { orderId: 'o-3', customerId: 'c-1', reason: null, cancelledAt: at }, decidedBy: 'orders-api', decidedOn: 'req-1' });
    expect(await sagaStep(store, authorized('o-3'), 'orders-service', () => at)).toBeUndefined();
  });

  it('ignores event types that are not the saga\'s', async () => {
    expect(await sagaStep(memoryStore(), consumed('OrderConfirmed', { orderId: 'o-4' }), 'orders-service', () => at)).toBeUndefined();
  });
});
