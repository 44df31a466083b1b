import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import { formatCpuShare, measureCpu } from './cpu-share.ts';
import { percentile } from './latency.ts';

describe('the benchmark CPU check', () => {
  it('calls a run valid when the generator is light and the machine has room', () => {
    expect(formatCpuShare({ process: 0.1, idle: 0.5 }, 'load generator')).toMatch(/-- valid$/);
  });

  it('calls a run not valid when the generator used more than a quarter of the machine', () => {
    expect(formatCpuShare({ process: 0.3, idle: 0.5 }, 'load generator')).toContain('RESULT NOT VALID: the load generator used 30% of the machine');
  });

  it('calls a run not valid when the machine had less than 15% idle, even by a hair', () => {
    expect(formatCpuShare({ process: 0.1, idle: 0.1496 }, 'load generator')).toContain('the machine was 14.9% idle (minimum 15%)');
    expect(formatCpuShare({ process: 0.1, idle: 0.1 }, 'load generator')).toContain('RESULT NOT VALID: the machine was 10.0% idle');
  });

  it('holds an in-process subject only to the idle limit', () => {
    expect(formatCpuShare({ process: 0.5, idle: 0.4 }, 'subject (in-process)')).toMatch(/-- valid$/);
  });

  it('measures this process busy on one core as about one core of the machine', async () => {
    const { cpu } = await measureCpu(() => {
      const until = Date.now() + 200;
      while (Date.now() < until);
      return Promise.resolve();
    });
    expect(cpu.process).toBeGreaterThan(0.5 / cpus().length);
    expect(cpu.process).toBeLessThanOrEqual(1.05 / cpus().length);
  });
});

describe('percentiles', () => {
  it('takes the nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 0.5)).toBe(50);
    expect(percentile(samples, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });
});
