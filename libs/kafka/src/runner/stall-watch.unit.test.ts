import { afterEach, describe, expect, it, vi } from 'vitest';
import { testStage } from './fakes.ts';
import { createStallWatch, every } from './stall-watch.ts';

/** An admin whose partition 0 of topic t ends at `end` with the group committed at `committed`. */
const admin = (positions: { end: string; committed: string }) => ({
  fetchTopicOffsets: () => Promise.resolve([{ partition: 0, offset: positions.end, high: positions.end, low: '0' }]),
  fetchOffsets: () => Promise.resolve([{ topic: 't', partitions: [{ partition: 0, offset: positions.committed, metadata: null }] }]),
});

describe('the stall watch', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports a partition with lag that does not move, and lets it go once it moves again', async () => {
    vi.useFakeTimers();
    const positions = { end: '10', committed: '4' };
    const stage = testStage();
    const watch = createStallWatch(stage, { admin: admin(positions), assignment: () => [{ topic: 't', partition: 0 }], isPaused: () => false, stallAfterMs: 1_000 });
    await watch.check();
    expect(watch.stalled()).toEqual([]);
    vi.advanceTimersByTime(2_000);
    await watch.check();
    expect(watch.stalled()).toEqual([{ topic: 't', partition: 0 }]);
    expect(stage.logged()).toMatch(/partition stalled/);
    positions.committed = '10';
    await watch.check();
    expect(watch.stalled()).toEqual([]);
    expect(stage.logged()).toMatch(/partition moving again/);
    expect(await stage.registry.getSingleMetricAsString('consumer_lag')).toMatch(/partition="0"[^\n]* 0/);
  });

  it('drops the lag of a partition this member no longer owns, so the new owner alone reports it', async () => {
    const stage = testStage();
    let assignment = [{ topic: 't', partition: 0 }];
    const watch = createStallWatch(stage, { admin: admin({ end: '10', committed: '4' }), assignment: () => assignment, isPaused: () => false, stallAfterMs: 1_000 });
    await watch.check();
    expect(await stage.registry.getSingleMetricAsString('consumer_lag')).toMatch(/partition="0"[^\n]* 6/);
    assignment = [];
    await watch.check();
    expect(await stage.registry.getSingleMetricAsString('consumer_lag')).not.toMatch(/partition="0"/);
  });

  it('does not count a paused partition as stalled: it is known to wait on a dependency', async () => {
    vi.useFakeTimers();
    const watch = createStallWatch(testStage(), { admin: admin({ end: '10', committed: '4' }), assignment: () => [{ topic: 't', partition: 0 }], isPaused: () => true, stallAfterMs: 1_000 });
    await watch.check();
    vi.advanceTimersByTime(2_000);
    await watch.check();
    expect(watch.stalled()).toEqual([]);
  });

  it('runs a task on an interval, one run after the other, until stopped; an interval of 0 never runs', async () => {
    vi.useFakeTimers();
    let runs = 0;
    const loop = every(100, () => Promise.resolve(void (runs += 1)));
    loop.start();
    await vi.advanceTimersByTimeAsync(350);
    expect(runs).toBe(3);
    loop.stop();
    await vi.advanceTimersByTimeAsync(500);
    expect(runs).toBe(3);
    const never = every(0, () => Promise.resolve(void (runs += 1)));
    never.start();
    await vi.advanceTimersByTimeAsync(500);
    expect(runs).toBe(3);
  });
});
