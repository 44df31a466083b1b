import { describe, expect, it } from 'vitest';
import { createSendGroups, takeGroup } from './send-groups.ts';

/** A send whose requests the test answers by hand, recording what each one carried. */
const manualSend = () => {
  const requests: { calls: string[]; answer: () => void; fail: (cause: Error) => void }[] = [];
  const send = (calls: readonly string[]) =>
    new Promise<string[]>((resolve, reject) => {
      requests.push({ calls: [...calls], answer: () => resolve(calls.map((call) => `sent ${call}`)), fail: reject });
    });
  return { requests, send };
};

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('send groups', () => {
  it('takes the oldest items that fit, at least one, in order', () => {
    const weights = [3, 4, 2, 1];
    expect(takeGroup([...weights], (w) => w, 7)).toEqual([3, 4]);
    expect(takeGroup([9, 1], (w) => w, 7)).toEqual([9]);
    expect(takeGroup([], (w: number) => w, 7)).toEqual([]);
  });

  it('sends the first call at once and the calls made meanwhile together in the next request', async () => {
    const { requests, send } = manualSend();
    const sendGrouped = createSendGroups({ send, weight: () => 1, maxWeight: 10 });
    const first = sendGrouped('a');
    await settle();
    const rest = ['b', 'c', 'd'].map(sendGrouped);
    await settle();
    expect(requests.map((request) => request.calls)).toEqual([['a']]);
    requests[0]!.answer();
    await expect(first).resolves.toBe('sent a');
    await settle();
    expect(requests.map((request) => request.calls)).toEqual([['a'], ['b', 'c', 'd']]);
    requests[1]!.answer();
    await expect(Promise.all(rest)).resolves.toEqual(['sent b', 'sent c', 'sent d']);
  });

  it('keeps each request within the weight limit and the calls in the order they were made', async () => {
    const { requests, send } = manualSend();
    const sendGrouped = createSendGroups({ send, weight: () => 1, maxWeight: 2 });
    const all = ['a', 'b', 'c', 'd', 'e'].map(sendGrouped);
    for (let index = 0; index < 3; index += 1) {
      await settle();
      requests[index]!.answer();
    }
    await Promise.all(all);
    expect(requests.map((request) => request.calls)).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('fails every call of a failed request with its cause, and sends the next group regardless', async () => {
    const { requests, send } = manualSend();
    const sendGrouped = createSendGroups({ send, weight: () => 1, maxWeight: 10 });
    const first = sendGrouped('a');
    await settle();
    const second = [sendGrouped('b'), sendGrouped('c')];
    const cause = new Error('broker gone');
    requests[0]!.fail(cause);
    await expect(first).rejects.toBe(cause);
    await settle();
    requests[1]!.fail(cause);
    await expect(Promise.all(second)).rejects.toBe(cause);
    const third = sendGrouped('d');
    await settle();
    requests[2]!.answer();
    await expect(third).resolves.toBe('sent d');
  });
});
