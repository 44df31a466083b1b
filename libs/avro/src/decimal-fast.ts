/**
 * The common case of an exact decimal, without BigInt or hex strings. An unscaled value of at most
 * 15 digits is a safe integer (below 2^53), so Number arithmetic on it stays exact: every sum,
 * product and quotient below is an integer under 2^53. Whatever falls outside (more digits, a
 * scale above 15, malformed text) returns undefined, and the caller takes the exact path of
 * decimal.ts, which also words the errors.
 */

/** The largest unscaled value handled here: 15 digits. */
export const maxFastUnscaled = 999_999_999_999_999;

/** 10^0 .. 10^15, all exact doubles. */
const powersOfTen = Array.from({ length: 16 }, (_, exponent) => 10 ** exponent);

export const maxFastScale = powersOfTen.length - 1;

/** Half the range of n bytes of two's complement, 2^(8n-1), for n = 0 .. 7 (exact doubles). */
const halfRanges = Array.from({ length: 8 }, (_, bytes) => (bytes === 0 ? 0 : 2 ** (bytes * 8 - 1)));

const zero = 48;
const nine = 57;
const minus = 45;
const point = 46;

/**
 * The unscaled value of a plain decimal text ("-19.99" at scale 4 is -199900), as `parseDecimal`
 * reads it, or undefined when the text is not of the fast kind.
 */
export const unscaledFromText = (text: string, scale: number): number | undefined => {
  if (scale > maxFastScale) return undefined;
  const negative = text.charCodeAt(0) === minus;
  let index = negative ? 1 : 0;
  const wholeStart = index;
  let value = 0;
  let fractionDigits = -1;
  for (; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= zero && code <= nine) {
      value = value * 10 + (code - zero);
      if (value > maxFastUnscaled) return undefined;
      if (fractionDigits >= 0) fractionDigits += 1;
    } else if (code === point && fractionDigits < 0 && index > wholeStart) {
      fractionDigits = 0;
    } else {
      return undefined;
    }
  }
  // The exact path's pattern needs a digit before the point, and one after it if there is a point.
  if (index === wholeStart || fractionDigits === 0 || fractionDigits > scale) return undefined;
  // Exact when the true product is at most maxFastUnscaled; when it is larger the rounded product is too.
  const scaled = value * (powersOfTen[scale - Math.max(fractionDigits, 0)] ?? Number.NaN);
  if (!(scaled <= maxFastUnscaled)) return undefined;
  return negative && scaled !== 0 ? -scaled : scaled;
};

/** Whether a fast unscaled value has at most `precision` digits. */
export const withinPrecision = (unscaled: number, precision: number): boolean =>
  precision > maxFastScale || Math.abs(unscaled) < (powersOfTen[precision] ?? 0);

/** Bytes of big-endian two's complement a safe integer needs, as few as hold it (Avro's decimal). */
export const twosComplementLength = (value: number): number => {
  let bytes = 1;
  while (bytes < 7 && (value >= (halfRanges[bytes] ?? 0) || value < -(halfRanges[bytes] ?? 0))) bytes += 1;
  return bytes;
};

/** Writes a fast unscaled value (at most 7 bytes) as `length` bytes of big-endian two's complement. */
export const writeTwosComplement = (value: number, target: Uint8Array, offset: number, length: number): void => {
  // The two's complement of -x is the bitwise complement of x - 1, so only non-negative integers are divided.
  const flip = value < 0 ? 0xff : 0;
  let rest = value < 0 ? -value - 1 : value;
  for (let index = offset + length - 1; index >= offset; index -= 1) {
    const byte = rest % 256;
    target[index] = byte ^ flip;
    rest = (rest - byte) / 256;
  }
};

/**
 * Reads `length` bytes of big-endian two's complement as a safe integer, or undefined when they
 * may not fit one: up to 6 bytes always fit, 7 when the first byte keeps the value below 2^53.
 */
export const readTwosComplement = (source: Uint8Array, offset: number, length: number): number | undefined => {
  if (length < 1 || length > 7) return undefined;
  const first = source[offset] ?? 0;
  let value = first >= 0x80 ? first - 0x100 : first;
  if (length === 7 && (value < -32 || value > 31)) return undefined;
  for (let index = offset + 1; index < offset + length; index += 1) value = value * 256 + (source[index] ?? 0);
  return value;
};

/** Canonical text of a safe unscaled integer, as `formatDecimal` writes it (scale at most 15). */
export const formatUnscaled = (value: number, scale: number): string => {
  const negative = value < 0;
  const magnitude = negative ? -value : value;
  const unit = powersOfTen[scale] ?? 1;
  let fraction = magnitude % unit;
  const whole = (magnitude - fraction) / unit;
  const sign = negative ? '-' : '';
  if (fraction === 0) return `${sign}${whole}`;
  let places = scale;
  while (fraction % 10 === 0) {
    fraction /= 10;
    places -= 1;
  }
  return `${sign}${whole}.${String(fraction).padStart(places, '0')}`;
};
