import { describe, expect, it } from 'vitest';
import { decimalFromBytes, decimalToBytes, formatDecimal, parseDecimal } from './decimal.ts';

describe('decimals', () => {
  it('reads strings and numbers exactly', () => {
    expect(parseDecimal('19.99', 4)).toBe(199900n);
    expect(parseDecimal(19.99, 4)).toBe(199900n);
    expect(parseDecimal(0.1, 4)).toBe(1000n);
    expect(parseDecimal('-0.0001', 4)).toBe(-1n);
    expect(parseDecimal(1e-4, 4)).toBe(1n);
    expect(parseDecimal('12345678901234.5678', 4)).toBe(123456789012345678n);
  });

  it('refuses what it cannot hold exactly', () => {
    expect(() => parseDecimal('1.00001', 4)).toThrowError(/more than 4 decimal places/);
    expect(() => parseDecimal('1e3', 4)).toThrowError(/not a decimal/);
    expect(() => parseDecimal(Number.NaN, 4)).toThrowError(/finite/);
    expect(() => parseDecimal(0.1 + 0.2, 4)).toThrowError(/significant digits|decimal places/);
  });

  it('formats without trailing zeros', () => {
    expect(formatDecimal(199900n, 4)).toBe('19.99');
    expect(formatDecimal(200000n, 4)).toBe('20');
    expect(formatDecimal(-1n, 4)).toBe('-0.0001');
    expect(formatDecimal(0n, 4)).toBe('0');
  });

  it('round-trips through two\'s complement bytes', () => {
    for (const value of [0n, 1n, -1n, 127n, 128n, -128n, -129n, 199900n, -123456789012345678n]) {
      expect(decimalFromBytes(decimalToBytes(value))).toBe(value);
    }
    expect(decimalToBytes(128n).toString('hex')).toBe('0080');
    expect(decimalToBytes(-1n).toString('hex')).toBe('ff');
  });
});
