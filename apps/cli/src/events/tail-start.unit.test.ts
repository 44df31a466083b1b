import { describe, expect, it } from 'vitest';
import { parseLimit, parseTailStart } from './tail-start.ts';

describe('tail options', () => {
  it('reads earliest, latest and ISO timestamps', () => {
    expect(parseTailStart(undefined)).toEqual({ kind: 'earliest' });
    expect(parseTailStart('latest')).toEqual({ kind: 'latest' });
    expect(parseTailStart('2026-01-31T12:00:00Z')).toEqual({ kind: 'timestamp', at: new Date('2026-01-31T12:00:00Z') });
  });

  it('refuses anything else with a usage error', () => {
    for (const bad of ['yesterday', '1', '2026-13-45']) {
      expect(() => parseTailStart(bad)).toThrowError(expect.objectContaining({ code: 'USAGE' }) as Error);
    }
    expect(() => parseLimit('0')).toThrowError(/positive whole number/);
    expect(parseLimit('5')).toBe(5);
  });
});
