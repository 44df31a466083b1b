import { TributaryError } from '@tributary/errors';
import type { Logger } from '@tributary/logger';
import { createMetricsRegistry, type MetricsRegistry } from '@tributary/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBreaker, type Breaker } from './index.ts';

type Answer = { status: 'AUTHORIZED' | 'DECLINED' };

/** A logger that keeps what was logged, so a test can count state-change lines. */
const recordingLogger = () => {
  const lines: { level: string; message: string; meta: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, meta: Record<string, unknown> = {}) => lines.push({ level, message, meta });
  const logger = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') } as unknown as Logger;
  return { logger, lines };
};

const failed = () => new TributaryError('UPSTREAM_FAILED', 'gateway answered 503');
const rejected = () => new TributaryError('UPSTREAM_REJECTED', 'gateway answered 400');

const settle = <T>(promise: Promise<T>) => promise.then(
  (value) => ({ ok: true as const, value }),
  (error: unknown) => ({ ok: false as const, error }),
);

const metricValue = async (registry: MetricsRegistry, name: string, labels: Record<string, string>): Promise<number | undefined> => {
  const metric = registry.getSingleMetric(name);
  const { values } = (await metric?.get()) ?? { values: [] };
  return values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))?.value;
};

describe('createBreaker', () => {
  let action: ReturnType<typeof vi.fn<(outcome: string) => Promise<Answer>>>;
  let breaker: Breaker<[string], Answer>;
  let registry: MetricsRegistry;
  let lines: ReturnType<typeof recordingLogger>['lines'];

  beforeEach(() => {
    vi.useFakeTimers();
    registry = createMetricsRegistry('test');
    const recording = recordingLogger();
    lines = recording.lines;
    // The fake dependency does what each call asks of it.
    action = vi.fn((outcome: string): Promise<Answer> => {
      if (outcome === 'fail') return Promise.reject(failed());
      if (outcome === 'reject') return Promise.reject(rejected());
      if (outcome === 'hang') return new Promise(() => undefined);
      return Promise.resolve({ status: outcome === 'decline' ? 'DECLINED' : 'AUTHORIZED' });
    });
    breaker = createBreaker({
      name: 'gateway',
      action,
      timeoutMs: 1_000,
      errorThresholdPercentage: 50,
      rollingWindowMs: 10_000,
      volumeThreshold: 3,
      resetTimeoutMs: 500,
      metrics: registry,
      logger: recording.logger,
    });
  });

  afterEach(() => {
    breaker.shutdown();
    vi.useRealTimers();
  });

  const trip = async () => {
    for (let i = 0; i < 3; i += 1) await settle(breaker.fire('fail'));
    expect(breaker.state).toBe('open');
  };

  it('opens after the threshold of failures and then fails fast with CIRCUIT_OPEN without calling the dependency', async () => {
    await settle(breaker.fire('fail'));
    await settle(breaker.fire('fail'));
    // Below the volume threshold two failures of two calls do not open it.
    expect(breaker.state).toBe('closed');
    const third = await settle(breaker.fire('fail'));
    expect(third.ok || (third.error as TributaryError).code).toBe('UPSTREAM_FAILED');
    expect(breaker.state).toBe('open');
    expect(breaker.allowsCalls()).toBe(false);

    const short = await settle(breaker.fire('ok'));
    expect(short.ok).toBe(false);
    const error = (short as { error: TributaryError }).error;
    expect(error).toBeInstanceOf(TributaryError);
    expect(error.code).toBe('CIRCUIT_OPEN');
    expect(error.cause).toBeInstanceOf(Error);
    expect(action).toHaveBeenCalledTimes(3);
  });

  it('never counts declines or requests the dependency refused', async () => {
    for (let i = 0; i < 10; i += 1) {
      await expect(breaker.fire('decline')).resolves.toEqual({ status: 'DECLINED' });
      await expect(breaker.fire('reject')).rejects.toMatchObject({ code: 'UPSTREAM_REJECTED' });
    }
    expect(breaker.state).toBe('closed');
    expect(await metricValue(registry, 'breaker_calls_total', { breaker: 'gateway', outcome: 'ignored' })).toBe(10);
    expect(await metricValue(registry, 'breaker_calls_total', { breaker: 'gateway', outcome: 'success' })).toBe(10);
    expect(await metricValue(registry, 'breaker_calls_total', { breaker: 'gateway', outcome: 'failure' })).toBe(0);
  });

  it('turns a call that runs too long into TIMEOUT, which counts against the breaker', async () => {
    const call = settle(breaker.fire('hang'));
    await vi.advanceTimersByTimeAsync(1_000);
    const result = await call;
    expect(result.ok).toBe(false);
    const error = (result as { error: TributaryError }).error;
    expect(error.code).toBe('TIMEOUT');
    expect(error.cause).toMatchObject({ code: 'ETIMEDOUT' });
    expect(await metricValue(registry, 'breaker_calls_total', { breaker: 'gateway', outcome: 'timeout' })).toBe(1);
  });

  it('lets exactly one probe through when half-open and closes when it succeeds', async () => {
    await trip();
    await vi.advanceTimersByTimeAsync(500);
    expect(breaker.state).toBe('halfOpen');
    expect(breaker.allowsCalls()).toBe(true);

    let answer: (value: Answer) => void = () => undefined;
    action.mockImplementationOnce(() => new Promise<Answer>((resolve) => (answer = resolve)));
    const probe = breaker.fire('ok');
    const others = await Promise.all([settle(breaker.fire('ok')), settle(breaker.fire('ok'))]);
    expect(others.map((o) => !o.ok && (o.error as TributaryError).code)).toEqual(['CIRCUIT_OPEN', 'CIRCUIT_OPEN']);
    expect(action).toHaveBeenCalledTimes(4);

    answer({ status: 'AUTHORIZED' });
    await expect(probe).resolves.toEqual({ status: 'AUTHORIZED' });
    expect(breaker.state).toBe('closed');
    await expect(breaker.fire('ok')).resolves.toEqual({ status: 'AUTHORIZED' });
  });

  it('opens again when the half-open probe fails', async () => {
    await trip();
    await vi.advanceTimersByTimeAsync(500);
    await expect(breaker.fire('fail')).rejects.toMatchObject({ code: 'UPSTREAM_FAILED' });
    expect(breaker.state).toBe('open');
    await expect(breaker.fire('ok')).rejects.toMatchObject({ code: 'CIRCUIT_OPEN' });
  });

  it('reports state, outcomes and time spent open as metrics', async () => {
    expect(await metricValue(registry, 'breaker_state', { breaker: 'gateway' })).toBe(0);
    await trip();
    expect(await metricValue(registry, 'breaker_state', { breaker: 'gateway' })).toBe(2);
    await settle(breaker.fire('ok'));
    await vi.advanceTimersByTimeAsync(500);
    expect(await metricValue(registry, 'breaker_state', { breaker: 'gateway' })).toBe(1);
    expect(await metricValue(registry, 'breaker_open_seconds_total', { breaker: 'gateway' })).toBeCloseTo(0.5, 2);
    await breaker.fire('ok');
    expect(await metricValue(registry, 'breaker_state', { breaker: 'gateway' })).toBe(0);
    expect(await metricValue(registry, 'breaker_calls_total', { breaker: 'gateway', outcome: 'failure' })).toBe(3);
    expect(await metricValue(registry, 'breaker_calls_total', { breaker: 'gateway', outcome: 'rejected' })).toBe(1);
    expect(await metricValue(registry, 'breaker_calls_total', { breaker: 'gateway', outcome: 'success' })).toBe(1);
  });

  it('logs each state change once, with the breaker name', async () => {
    await trip();
    // Calls failing fast while open change nothing and log nothing.
    for (let i = 0; i < 5; i += 1) await settle(breaker.fire('fail'));
    await vi.advanceTimersByTimeAsync(500);
    await breaker.fire('ok');
    const changes = lines.map(({ level, meta }) => [level, meta['breaker']]);
    expect(changes).toEqual([
      ['warn', 'gateway'],
      ['info', 'gateway'],
      ['info', 'gateway'],
    ]);
    expect(lines.map((l) => l.message)).toEqual([expect.stringContaining('opened'), expect.stringContaining('half-open'), expect.stringContaining('closed')]);
    expect(lines[0]?.meta['lastFailure']).toBe('gateway answered 503');
  });

  it('opens after fewer failures, and times out sooner, once reconfigured', async () => {
    await settle(breaker.fire('fail'));
    await settle(breaker.fire('fail'));
    // Two failures are below the volume of three: still closed.
    expect(breaker.state).toBe('closed');
    breaker.reconfigure({ timeoutMs: 100, errorThresholdPercentage: 50, volumeThreshold: 2, resetTimeoutMs: 2_000 });
    await settle(breaker.fire('fail'));
    expect(breaker.state).toBe('open');
    await vi.advanceTimersByTimeAsync(500);
    // The old reset time of 500 ms has passed; the new one of 2 s has not.
    expect(breaker.state).toBe('open');
    await vi.advanceTimersByTimeAsync(1_500);
    expect(breaker.state).toBe('halfOpen');
    const probe = settle(breaker.fire('hang'));
    await vi.advanceTimersByTimeAsync(100);
    expect(await probe).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    expect(String(((await probe) as { error?: unknown }).error)).toContain('100 ms');
  });

  it('counts every state change, so a breaker that opens and closes between two scrapes still shows', async () => {
    await trip();
    await vi.advanceTimersByTimeAsync(500);
    await breaker.fire('ok');
    for (const [state, count] of [['open', 1], ['halfOpen', 1], ['closed', 1]] as const) {
      expect(await metricValue(registry, 'breaker_state_changes_total', { breaker: 'gateway', state })).toBe(count);
    }
  });
});
