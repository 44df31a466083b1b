import { EventEmitter } from 'node:events';
import type { Consumer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { testStage } from './fakes.ts';
import { trackMembership } from './membership.ts';

const events = { GROUP_JOIN: 'join', CRASH: 'crash', DISCONNECT: 'disconnect', STOP: 'stop' } as unknown as Consumer['events'];

const fakeConsumer = () => {
  const emitter = new EventEmitter();
  return { emitter, consumer: { events, on: (event: string, listener: (e: unknown) => void) => emitter.on(event, listener) } as unknown as Pick<Consumer, 'on' | 'events'> };
};

describe('group membership', () => {
  it('follows joins, crashes and stops, and keeps only the pauses of the partitions still owned', () => {
    const { emitter, consumer } = fakeConsumer();
    const kept: ReadonlySet<string>[] = [];
    const assigned: unknown[] = [];
    const stage = testStage();
    const membership = trackMembership(consumer, { ...stage, pauses: { keepOnly: (keys) => void kept.push(keys) }, onAssignment: (assignment) => assigned.push(assignment) });
    expect(membership.joined).toBe(false);
    emitter.emit('join', { payload: { memberAssignment: { t: [0, 2] } } });
    expect(membership).toMatchObject({ joined: true, assignment: [{ topic: 't', partition: 0 }, { topic: 't', partition: 2 }] });
    expect([...(kept[0] ?? [])]).toEqual(['t:0', 't:2']);
    expect(assigned).toHaveLength(1);
    emitter.emit('crash', { payload: { error: new Error('broker gone'), restart: true } });
    expect(membership).toMatchObject({ joined: false, assignment: [], crash: 'broker gone' });
    expect(kept[1]?.size).toBe(0);
    emitter.emit('join', { payload: { memberAssignment: { t: [1] } } });
    expect(membership.crash).toBeUndefined();
    emitter.emit('stop', {});
    expect(membership.joined).toBe(false);
  });
});
