import { describe, expect, it } from 'vitest';
import { formatSeconds, parseDuration } from './durations.ts';

describe('durations typed on the command line', () => {
  it('are a whole number and a unit', () => {
    expect(['500ms', '30s', '5m', '1h', '2d', '0s'].map(parseDuration)).toEqual([500, 30_000, 300_000, 3_600_000, 172_800_000, 0]);
  });

  it('are nothing else', () => {
    for (const text of ['', '30', 's', '1.5h', '-5m', '5 m', ' 5m', '5M', '1h30m', '5min', '1e3ms', '1234567890s']) expect(parseDuration(text), text).toBeUndefined();
  });
});

describe('durations shown', () => {
  it('are whole seconds, minutes and seconds, hours and minutes, or days and hours', () => {
    expect([0, 0.9, 45, 60, 185, 3_599, 3_600, 7_265, 86_399, 180_000].map(formatSeconds)).toEqual(['0s', '0s', '45s', '1m00s', '3m05s', '59m59s', '1h00m', '2h01m', '23h59m', '2d02h']);
  });
});
