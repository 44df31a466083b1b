import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPauseKeeper } from './pauses.ts';

/** A probe the test answers by hand, one call at a time. */
const manualProbe = () => {
  const calls: ((healthy: boolean) => void)[] = [];
  return {
    probe: () => new Promise<boolean>((resolve) => calls.push(resolve)),
    answer: (healthy: boolean) => calls.shift()?.(healthy),
    get asked() {
      return calls.length;
    },
  };
};

describe('paused partitions', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const keeper = () => createPauseKeeper({ probeIntervalMs: 1_000, probeTimeoutMs: 5_000 });

  it('resume once the probe passes, and not before', async () => {
    const pauses = keeper();
    const resume = vi.fn();
    let healthy = false;
    pauses.hold('orders', 0, resume, () => Promise.resolve(healthy));
    expect(pauses.count('orders')).toBe(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(resume).not.toHaveBeenCalled();
    healthy = true;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(resume).toHaveBeenCalledOnce();
    expect(pauses.count('orders')).toBe(0);
  });

  it('count a probe that never answers as failed and go on asking, so the partition resumes once the dependency is back', async () => {
    const pauses = keeper();
    const resume = vi.fn();
    let calls = 0;
    pauses.hold('orders', 0, resume, () => {
      calls += 1;
      return calls === 1 ? new Promise<boolean>(() => undefined) : Promise.resolve(true);
    });
    await vi.advanceTimersByTimeAsync(1_000 + 5_000 + 1_000);
    expect(calls).toBe(2);
    expect(resume).toHaveBeenCalledOnce();
  });

  it('do not resume on the answer to an earlier pause when the partition was paused again while the probe ran', async () => {
    const pauses = keeper();
    const first = manualProbe();
    const second = manualProbe();
    const [resumeFirst, resumeSecond] = [vi.fn(), vi.fn()];
    pauses.hold('orders', 2, resumeFirst, first.probe);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(first.asked).toBe(1);
    // A rebalance or a crash-restart later, the partition fails again, for another reason.
    pauses.hold('orders', 2, resumeSecond, second.probe);
    first.answer(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(resumeSecond).not.toHaveBeenCalled();
    expect(second.asked).toBe(1);
    second.answer(true);
    await vi.advanceTimersByTimeAsync(0);
    // Every generation that paused it is resumed: the one holding the partition now among them.
    expect(resumeFirst).toHaveBeenCalledOnce();
    expect(resumeSecond).toHaveBeenCalledOnce();
    expect(pauses.paused.size).toBe(0);
  });

  it('keep one probe loop per partition however often it is paused', async () => {
    const pauses = keeper();
    const probe = vi.fn(() => Promise.resolve(false));
    for (let i = 0; i < 3; i += 1) pauses.hold('orders', 1, vi.fn(), probe);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(probe).toHaveBeenCalledTimes(3);
    pauses.stop();
  });

  it('resume the rest when one resume throws (its consumer generation is gone)', async () => {
    const pauses = keeper();
    const resume = vi.fn();
    pauses.hold('orders', 0, () => {
      throw new Error('gone');
    }, () => Promise.resolve(true));
    pauses.hold('orders', 0, resume, () => Promise.resolve(true));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(resume).toHaveBeenCalledOnce();
  });

  it('resume nothing once stopped, even when a probe answers afterwards', async () => {
    const pauses = keeper();
    const probe = manualProbe();
    const resume = vi.fn();
    pauses.hold('orders', 0, resume, probe.probe);
    await vi.advanceTimersByTimeAsync(1_000);
    pauses.stop();
    probe.answer(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(resume).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resume partitions a rebalance took away at once, and keep the ones still assigned paused', async () => {
    const pauses = keeper();
    const [kept, taken] = [vi.fn(), vi.fn()];
    pauses.hold('orders', 0, kept, () => Promise.resolve(false));
    pauses.hold('orders', 1, taken, () => Promise.resolve(false));
    pauses.keepOnly(new Set(['orders:0']));
    expect(taken).toHaveBeenCalledOnce();
    expect(kept).not.toHaveBeenCalled();
    expect([...pauses.paused]).toEqual(['orders:0']);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(taken).toHaveBeenCalledOnce();
    pauses.stop();
  });

  it('count the paused partitions of each topic apart', () => {
    const pauses = keeper();
    pauses.hold('orders', 0, vi.fn(), () => Promise.resolve(false));
    pauses.hold('orders-inventory', 0, vi.fn(), () => Promise.resolve(false));
    pauses.hold('orders-inventory', 1, vi.fn(), () => Promise.resolve(false));
    expect([pauses.count('orders'), pauses.count('orders-inventory')]).toEqual([1, 2]);
    pauses.stop();
  });
});
