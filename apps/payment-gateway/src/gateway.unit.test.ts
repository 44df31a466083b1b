import { describe, expect, it } from 'vitest';
import { createGateway } from './gateway.ts';

const behaviour = { latencyMs: 0, failureRate: 0, declineAbove: '1000', declineRate: 0, rejectRate: 0, refusedCurrencies: [] };
const request = { orderId: 'o-1', amount: '19.99', currency: 'EUR' };

/** Random numbers from a fixed list, so each test says which rolls the gateway gets. */
const rolls = (...values: number[]) => () => values.shift() ?? 0.5;

let ids = 0;
const newAuthorizationId = () => `auth-${(ids += 1)}`;

describe('the simulated gateway', () => {
  it('authorizes once per key and replays the first answer for every repeat', async () => {
    const gateway = createGateway({ behaviour, newAuthorizationId });
    const first = await gateway.authorize('k-1', request);
    const again = await gateway.authorize('k-1', { ...request, amount: '19.9900' });
    expect(first).toMatchObject({ kind: 'answered', replayed: false, answer: { status: 'AUTHORIZED', orderId: 'o-1', amount: '19.99', currency: 'EUR' } });
    expect(again).toEqual({ ...first, replayed: true });
    expect(gateway.charges()).toEqual({ total: 1, keys: { 'k-1': 1 } });
  });

  it('charges once when requests with the same key arrive together', async () => {
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const gateway = createGateway({ behaviour: { ...behaviour, latencyMs: 5 }, wait: () => slow, newAuthorizationId });
    const answers = Promise.all([1, 2, 3].map(() => gateway.authorize('k-1', request)));
    release();
    const results = await answers;
    expect(results.map((r) => r.kind === 'answered' && r.replayed)).toEqual([false, true, true]);
    expect(new Set(results.map((r) => JSON.stringify(r.kind === 'answered' && r.answer))).size).toBe(1);
    expect(gateway.charges().keys).toEqual({ 'k-1': 1 });
  });

  it('refuses a different request under a used key', async () => {
    const gateway = createGateway({ behaviour });
    await gateway.authorize('k-1', request);
    expect(await gateway.authorize('k-1', { ...request, amount: '20' })).toEqual({ kind: 'conflict' });
    expect(gateway.charges().total).toBe(1);
  });

  it('stores nothing for an injected failure, so a retry with the same key can succeed', async () => {
    const gateway = createGateway({ behaviour: { ...behaviour, failureRate: 0.5 }, random: rolls(0.1, 0.9, 0.9) });
    expect(await gateway.authorize('k-1', request)).toEqual({ kind: 'failed' });
    expect(gateway.charge('k-1')).toBeUndefined();
    expect(await gateway.authorize('k-1', request)).toMatchObject({ kind: 'answered', replayed: false, answer: { status: 'AUTHORIZED' } });
    expect(gateway.charges().keys).toEqual({ 'k-1': 1 });
  });

  it('stores a decline as the answer for its key, like an authorization', async () => {
    const gateway = createGateway({ behaviour });
    const declined = await gateway.authorize('k-2', { ...request, amount: '1000.01' });
    expect(declined).toMatchObject({ kind: 'answered', answer: { status: 'DECLINED', reason: 'AMOUNT_OVER_LIMIT' } });
    expect(await gateway.authorize('k-2', { ...request, amount: '1000.01' })).toMatchObject({ replayed: true, answer: { status: 'DECLINED' } });
    expect(gateway.charge('k-2')).toMatchObject({ timesCharged: 1, answer: { status: 'DECLINED' } });
  });

  it('changes its behaviour while running, field by field', async () => {
    const gateway = createGateway({ behaviour });
    expect(gateway.changeBehaviour({ failureRate: 1 })).toEqual({ ...behaviour, failureRate: 1 });
    expect(await gateway.authorize('k-1', request)).toEqual({ kind: 'failed' });
    gateway.changeBehaviour({ failureRate: 0, declineAbove: '10' });
    expect(gateway.behaviour()).toEqual({ ...behaviour, declineAbove: '10' });
    expect(await gateway.authorize('k-1', request)).toMatchObject({ answer: { status: 'DECLINED', reason: 'AMOUNT_OVER_LIMIT' } });
  });

  it('refuses the chosen share of keys, the same keys on every retry, and charges none of them', async () => {
    const gateway = createGateway({ behaviour: { ...behaviour, rejectRate: 0.2 } });
    const keys = Array.from({ length: 1000 }, (_, n) => `order-${n}`);
    const first = await Promise.all(keys.map((key) => gateway.authorize(key, { ...request, orderId: key })));
    const refused = keys.filter((_, n) => first[n]?.kind === 'refused');
    expect(refused.length).toBeGreaterThan(150);
    expect(refused.length).toBeLessThan(250);
    expect(first.find((result) => result.kind === 'refused')).toEqual({ kind: 'refused', reason: 'REFUSED_BY_NETWORK' });
    const again = await Promise.all(refused.map((key) => gateway.authorize(key, { ...request, orderId: key })));
    expect(again.every((result) => result.kind === 'refused')).toBe(true);
    expect(gateway.charges().total).toBe(1000 - refused.length);
    for (const key of refused) expect(gateway.charge(key)).toBeUndefined();
  });

  it('charges a key refused before once the share drops, and replays an answer given before the share rose', async () => {
    const gateway = createGateway({ behaviour: { ...behaviour, rejectRate: 1 } });
    expect(await gateway.authorize('k-1', request)).toEqual({ kind: 'refused', reason: 'REFUSED_BY_NETWORK' });
    gateway.changeBehaviour({ rejectRate: 0 });
    expect(await gateway.authorize('k-1', request)).toMatchObject({ kind: 'answered', replayed: false });
    gateway.changeBehaviour({ rejectRate: 1 });
    expect(await gateway.authorize('k-1', request)).toMatchObject({ kind: 'answered', replayed: true });
  });

  it('refuses every payment in a refused currency and only those', async () => {
    const gateway = createGateway({ behaviour: { ...behaviour, refusedCurrencies: ['XTS'] } });
    expect(await gateway.authorize('k-1', { ...request, currency: 'XTS' })).toEqual({ kind: 'refused', reason: 'CURRENCY_REFUSED' });
    expect(await gateway.authorize('k-1', { ...request, currency: 'XTS' })).toEqual({ kind: 'refused', reason: 'CURRENCY_REFUSED' });
    expect(await gateway.authorize('k-2', request)).toMatchObject({ kind: 'answered', answer: { status: 'AUTHORIZED' } });
    expect(gateway.changeBehaviour({ refusedCurrencies: [] }).refusedCurrencies).toEqual([]);
    expect(await gateway.authorize('k-1', { ...request, currency: 'XTS' })).toMatchObject({ kind: 'answered', answer: { status: 'AUTHORIZED' } });
  });
});
