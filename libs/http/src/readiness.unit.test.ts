import { describe, expect, it } from 'vitest';
import { runReadinessChecks } from './app.ts';

describe('readiness checks', () => {
  it('is ready when every check is, whether it answers a boolean or an object', async () => {
    expect(await runReadinessChecks({ store: () => true, consumer: () => Promise.resolve({ ready: true }) })).toEqual({ ready: true, checks: { store: true, consumer: true }, reasons: {} });
  });

  it('names the reason a check gives for not being ready', async () => {
    const report = await runReadinessChecks({ store: () => true, consumer: () => ({ ready: false, reason: 'partitions stalled: orders:3' }) });
    expect(report).toEqual({ ready: false, checks: { store: true, consumer: false }, reasons: { consumer: 'partitions stalled: orders:3' } });
  });

  it('counts a check that throws as not ready without showing its message', async () => {
    const report = await runReadinessChecks({ store: () => Promise.reject(new Error('mongodb://user:secret@db refused')) });
    expect(report).toEqual({ ready: false, checks: { store: false }, reasons: { store: 'check failed' } });
  });
});
