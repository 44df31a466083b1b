import avsc from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalFromBytes, decimalToBytes, formatDecimal, parseDecimal } from './decimal.ts';
import { formatUnscaled, maxFastUnscaled, readTwosComplement, twosComplementLength, unscaledFromText, writeTwosComplement } from './decimal-fast.ts';
import { exactLogicalTypes, logicalTypes } from './logical-types.ts';

const scale = 4;
const largest = 10n ** 18n - 1n;

/** Unscaled values of precision 18, with the edges drawn often: zero, ±1, 15 digits, byte boundaries, the largest. */
const edges = [0n, 1n, BigInt(maxFastUnscaled), 10n ** 15n, 2n ** 47n, 2n ** 48n, 2n ** 53n, 2n ** 55n, 2n ** 56n, largest].flatMap((edge) => [edge, edge - 1n, -edge, -edge - 1n]);
const unscaled = fc.oneof(
  fc.constantFrom(...edges.filter((value) => value >= -largest && value <= largest)),
  fc.bigInt({ min: -largest, max: largest }),
  fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }).map(BigInt),
  fc.integer({ min: 1, max: 62 }).chain((bits) => fc.bigInt({ min: -(2n ** BigInt(bits)), max: 2n ** BigInt(bits) })),
);
const runs = { numRuns: 2_000 };

describe('the fast path of decimals', () => {
  it('reads decimal text to the unscaled value the exact path reads, or leaves it to the exact path', () => {
    fc.assert(
      fc.property(unscaled, fc.nat({ max: scale }), fc.nat({ max: 3 }), (value, trailingZeros, leadingZeros) => {
        // The canonical text, and the same value written with leading and trailing zeros.
        const canonical = formatDecimal(value, scale);
        const padded = canonical.replace(/^(-?)/, `$1${'0'.repeat(leadingZeros)}`);
        const text = padded.includes('.') || trailingZeros === 0 ? padded : `${padded}.${'0'.repeat(trailingZeros)}`;
        const fast = unscaledFromText(text, scale);
        const magnitude = value < 0n ? -value : value;
        if (magnitude <= BigInt(maxFastUnscaled)) expect(fast).toBe(Number(value));
        else expect(fast).toBeUndefined();
        expect(parseDecimal(text, scale)).toBe(value);
      }),
      runs,
    );
  });

  it('leaves every text it does not read exactly to the exact path', () => {
    const texts = fc.oneof(fc.stringMatching(/^[-+ .0-9e]{0,22}$/), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(texts, (text) => {
        const fast = unscaledFromText(text, scale);
        if (fast === undefined) return;
        expect(BigInt(fast)).toBe(parseDecimal(text, scale));
      }),
      { numRuns: 5_000 },
    );
    for (const bad of ['', '-', '.5', '1.', '1.00001', ' 1', '1e3', '+1', '--1', '1.2.3']) expect(unscaledFromText(bad, scale)).toBeUndefined();
  });

  it("writes and reads the same two's complement bytes as the exact path", () => {
    fc.assert(
      fc.property(unscaled, (value) => {
        const exactBytes = decimalToBytes(value);
        const fast = readTwosComplement(exactBytes, 0, exactBytes.length);
        if (fast !== undefined) {
          expect(BigInt(fast)).toBe(decimalFromBytes(exactBytes));
          expect(formatUnscaled(fast, scale)).toBe(formatDecimal(value, scale));
        } else {
          // Only values that may not fit a safe integer are left to the exact path.
          expect(exactBytes.length).toBeGreaterThanOrEqual(7);
        }
        const magnitude = value < 0n ? -value : value;
        if (magnitude > BigInt(maxFastUnscaled)) return;
        const length = twosComplementLength(Number(value));
        const written = Buffer.alloc(length + 2, 0xaa);
        writeTwosComplement(Number(value), written, 1, length);
        expect(written.subarray(1, 1 + length).toString('hex')).toBe(exactBytes.toString('hex'));
        expect([written[0], written[length + 1]]).toEqual([0xaa, 0xaa]);
      }),
      runs,
    );
  });

  it('codes a decimal field byte for byte as the exact logical type, and refuses the same values', () => {
    const schema: avsc.Schema = {
      type: 'record',
      name: 'Money',
      fields: [
        { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 18, scale: 4 } },
        { name: 'refund', type: ['null', { type: 'bytes', logicalType: 'decimal', precision: 18, scale: 4 }] },
        { name: 'small', type: { type: 'bytes', logicalType: 'decimal', precision: 6, scale: 2 } },
      ],
    };
    const fast = avsc.Type.forSchema(schema, { logicalTypes });
    const exact = avsc.Type.forSchema(schema, { logicalTypes: exactLogicalTypes });
    const tryEncode = (type: avsc.Type, value: unknown) => {
      try {
        return type.toBuffer(value).toString('hex');
      } catch {
        return 'refused';
      }
    };
    const small = fc.oneof(fc.bigInt({ min: -(10n ** 7n), max: 10n ** 7n }).map((value) => formatDecimal(value, 3)), fc.constantFrom('9999.99', '-9999.99', '10000', '0.01'));
    fc.assert(
      fc.property(unscaled, fc.option(unscaled), small, (amount, refund, smallText) => {
        const value = { amount: formatDecimal(amount, scale), refund: refund === null ? null : formatDecimal(refund, scale), small: smallText };
        const bytes = tryEncode(fast, value);
        expect(bytes).toBe(tryEncode(exact, value));
        if (bytes !== 'refused') expect(fast.fromBuffer(Buffer.from(bytes, 'hex'))).toEqual(exact.fromBuffer(Buffer.from(bytes, 'hex')));
      }),
      runs,
    );
  });
});
