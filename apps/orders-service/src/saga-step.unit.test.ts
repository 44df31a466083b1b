import type { ConsumedEvent } from '@tributary/kafka';
import type { ClaimResult, DeadlineStore, OrderDeadline, SagaFacts, SagaOutcome, SagaStore } from '@tributary/order-saga';
import { describe, expect, it } from 'vitest';
import { sagaStep, type SagaStepContext } from './saga-step.ts';

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

/** Open deadlines in memory, as the store keeps them. */
const memoryDeadlines = (): DeadlineStore & { open: Map<string, OrderDeadline> } => {
  const open = new Map<string, OrderDeadline>();
  return {
    open,
    schedule: (deadline) => {
      if (!open.has(deadline.orderId)) open.set(deadline.orderId, { ...deadline, announcedAt: null });
      return Promise.resolve();
    },
    clear: (orderIds) => {
      for (const orderId of orderIds) open.delete(orderId);
      return Promise.resolve();
    },
    ofPartitions: (partitions) => Promise.resolve([...open.values()].filter((deadline) => partitions.includes(deadline.partition))),
    markAnnounced: (orderIds, when) => {
      for (const orderId of orderIds) {
        const deadline = open.get(orderId);
        if (deadline) open.set(orderId, { ...deadline, announcedAt: when });
      }
      return Promise.resolve();
    },
  };
};

const at = new Date('2026-01-01T10:00:00Z');
const deadlineMs = 30_000;

/** A saga context over memory stores, deciding at `when`. */
const contextOf = (sagas: SagaStore, deadlines: DeadlineStore = memoryDeadlines(), when: Date = at): SagaStepContext => ({ sagas, deadlines, decidedBy: 'orders-service', deadlineMs, now: () => when });
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

const placed = (orderId: string) =>
  consumed('OrderPlaced', { orderId, customerId: 'c-1', currency: 'EUR', items: [{ sku: 'A', quantity: 1, unitPrice: '5.0000' }], placedAt: at, channel: 'WEB', promoCode: null });
const reserved = (orderId: string) => consumed('StockReserved', { orderId, amount: '5.0000', currency: 'EUR', customerId: 'c-1', items: [], reservedAt: at });
const authorized = (orderId: string, eventId?: string) =>
  consumed('PaymentAuthorized', { orderId, amount: '5.0000', currency: 'EUR', authorizationId: 'a', authorizedAt: at }, eventId);

/** The event one step publishes, if any. */
const step = async (context: SagaStepContext, event: ConsumedEvent<unknown>) => (await sagaStep(context, event)).output;

describe('one saga step', () => {
  it('publishes the decision once, with an event id that depends on the order alone', async () => {
    const context = contextOf(memoryStore());
    expect(await step(context, reserved('o-1'))).toBeUndefined();
    const output = await step(context, authorized('o-1', 'pay-1'));
    expect(output).toMatchObject({ key: 'o-1', eventType: 'OrderConfirmed', context: { causationId: 'pay-1', correlationId: 'corr-1' } });
    // A second copy of the payment outcome (a different event) adds nothing.
    expect(await step(context, authorized('o-1', 'pay-2'))).toBeUndefined();
  });

  it('publishes again when the event that decided is redelivered (its first transaction was aborted)', async () => {
    const store = memoryStore();
    await step(contextOf(store), reserved('o-2'));
    const first = await step(contextOf(store), authorized('o-2', 'pay-9'));
    const again = await step(contextOf(store, undefined, new Date(at.getTime() + 1000)), authorized('o-2', 'pay-9'));
    expect(again).toEqual(first);
  });

  it("leaves an order someone else made final alone", async () => {
    const store = memoryStore();
    await step(contextOf(store), reserved('o-3'));
    await store.claimOutcome({ eventType: 'OrderCancelled', orderId: 'o-3', payload: { orderId: 'o-3', customerId: 'c-1', reason: null, cancelledAt: at }, decidedBy: 'orders-api', decidedOn: 'req-1' });
    expect(await sagaStep(contextOf(store), authorized('o-3'))).toEqual({ latePayment: { orderId: 'o-3', outcome: 'OrderCancelled' } });
  });

  it("ignores event types that are not the saga's", async () => {
    expect(await step(contextOf(memoryStore()), consumed('StockReleased', { orderId: 'o-4' }))).toBeUndefined();
  });
});

describe('the order deadline', () => {
  it('starts when OrderPlaced is seen, on its partition, and ends when the outcome comes back', async () => {
    const deadlines = memoryDeadlines();
    const context = contextOf(memoryStore(), deadlines);
    await step(context, placed('o-5'));
    expect(deadlines.open.get('o-5')).toEqual({ orderId: 'o-5', partition: 0, placedAt: at, dueAt: new Date(at.getTime() + deadlineMs), announcedAt: null });
    await step(context, consumed('OrderConfirmed', { orderId: 'o-5' }));
    expect(deadlines.open.has('o-5')).toBe(false);
  });

  it('rejects an order whose deadline passed, once, and a payment authorized afterwards confirms nothing', async () => {
    const context = contextOf(memoryStore());
    await step(context, placed('o-6'));
    await step(context, reserved('o-6'));
    const passed = consumed('OrderDeadlinePassed', { orderId: 'o-6', placedAt: at, deadlineAt: new Date(at.getTime() + deadlineMs) });
    expect(await step(context, passed)).toMatchObject({ eventType: 'OrderRejected', payload: { reason: 'DEADLINE_EXCEEDED' } });
    // A second announcement of the same deadline (another instance's, or a repeat) adds nothing.
    expect(await step(context, consumed('OrderDeadlinePassed', { orderId: 'o-6', placedAt: at, deadlineAt: at }))).toBeUndefined();
    expect(await sagaStep(context, authorized('o-6'))).toEqual({ latePayment: { orderId: 'o-6', outcome: 'OrderRejected' } });
  });

  it('rejects at once when a step failed, naming the failure', async () => {
    const context = contextOf(memoryStore());
    await step(context, placed('o-7'));
    await step(context, reserved('o-7'));
    const failed = consumed('PaymentFailed', { orderId: 'o-7', errorCode: 'UPSTREAM_REJECTED', detail: 'The payment gateway answered 400', deadLetterTopic: 'inventory.dlq', failedAt: at });
    expect(await step(context, failed)).toMatchObject({ eventType: 'OrderRejected', payload: { reason: 'STEP_FAILED', detail: 'payment failed (UPSTREAM_REJECTED): The payment gateway answered 400' } });
  });

  it('stops the clock of a cancelled order', async () => {
    const deadlines = memoryDeadlines();
    const context = contextOf(memoryStore(), deadlines);
    await step(context, placed('o-8'));
    await step(context, consumed('OrderCancelled', { orderId: 'o-8', customerId: 'c-1', reason: null, cancelledAt: at }));
    expect(deadlines.open.has('o-8')).toBe(false);
  });
});
