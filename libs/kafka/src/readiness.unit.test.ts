import { describe, expect, it } from 'vitest';
import { consumerReadiness } from './readiness.ts';

const healthy = { running: true, joined: true, stalled: [] };

describe('consumer readiness', () => {
  it('is ready while running, joined and moving every partition', () => {
    expect(consumerReadiness(healthy)).toEqual({ ready: true });
  });

  it('is not ready while any partition is stalled, naming the partitions', () => {
    expect(consumerReadiness({ ...healthy, stalled: [{ topic: 'orders', partition: 3 }] })).toEqual({ ready: false, reason: 'partitions stalled: orders:3' });
  });

  it('keeps the reason short when many partitions are stalled', () => {
    const stalled = Array.from({ length: 8 }, (_, partition) => ({ topic: 'orders', partition }));
    expect(consumerReadiness({ ...healthy, stalled }).reason).toBe('partitions stalled: orders:0, orders:1, orders:2, orders:3, orders:4 and 3 more');
  });

  it('is not ready after a crash until the consumer is back', () => {
    expect(consumerReadiness({ ...healthy, crash: 'Connection error' })).toEqual({ ready: false, reason: 'consumer crashed: Connection error' });
  });

  it('is not ready before it joins its group or once it is stopped', () => {
    expect(consumerReadiness({ ...healthy, joined: false })).toMatchObject({ ready: false, reason: 'consumer not a member of its group yet' });
    expect(consumerReadiness({ ...healthy, running: false })).toMatchObject({ ready: false, reason: 'consumer not running' });
  });

  it('is ready again once the stall is over', () => {
    const stalled = consumerReadiness({ ...healthy, stalled: [{ topic: 'orders', partition: 0 }] });
    expect(stalled.ready).toBe(false);
    expect(consumerReadiness({ ...healthy, stalled: [] }).ready).toBe(true);
  });
});
