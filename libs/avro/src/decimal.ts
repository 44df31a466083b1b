import { TributaryError } from '@tributary/errors';

/**
 * Exact decimals for money. Values travel as strings ("19.99") and as scaled bigints inside, so
 * no amount is ever rounded through float arithmetic.
 */

const decimalPattern = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Reads a decimal given as a string, or as a JSON number whose shortest round-trip text is taken
 * digit by digit. Numbers with more significant digits than a double holds are refused, since
 * JSON.parse may already have rounded them: such values must be sent as strings.
 */
export const parseDecimal = (input: string | number, scale: number): bigint => {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw invalid(input, 'is not a finite number');
    text = numberToPlainText(input);
    if (significantDigits(text) > 15) throw invalid(input, 'has more than 15 significant digits: send it as a string');
  } else {
    text = input.trim();
  }
  const match = decimalPattern.exec(text);
  if (!match) throw invalid(input, 'is not a decimal number such as "19.99"');
  const [, sign, whole = '0', fraction = ''] = match;
  if (fraction.length > scale) throw invalid(input, `has more than ${scale} decimal places`);
  const scaled = BigInt(whole + fraction.padEnd(scale, '0'));
  return sign ? -scaled : scaled;
};

/** Canonical text of a scaled decimal: no exponent, no trailing fractional zeros. */
export const formatDecimal = (scaled: bigint, scale: number): string => {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
};

/** Avro's decimal is the unscaled value as big-endian two's complement, in as few bytes as fit. */
export const decimalToBytes = (scaled: bigint): Buffer => {
  let hex = BigInt.asUintN(bytesNeeded(scaled) * 8, scaled).toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return Buffer.from(hex.padStart(bytesNeeded(scaled) * 2, '0'), 'hex');
};

export const decimalFromBytes = (bytes: Buffer): bigint => {
  if (bytes.length === 0) return 0n;
  return BigInt.asIntN(bytes.length * 8, BigInt(`0x${bytes.toString('hex')}`));
};

const bytesNeeded = (value: bigint): number => {
  let bytes = 1;
  while (value < -(1n << BigInt(bytes * 8 - 1)) || value >= 1n << BigInt(bytes * 8 - 1)) bytes += 1;
  return bytes;
};

const numberToPlainText = (value: number): string => {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  // Exponent form (1e21, 1e-7): expand it digit by digit, still without float arithmetic.
  const [mantissa = '', exponentText = '0'] = text.toLowerCase().split('e');
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const [whole = '', fraction = ''] = mantissa.replace('-', '').split('.');
  const digits = whole + fraction;
  const point = whole.length + exponent;
  const expanded =
    point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${negative ? '-' : ''}${expanded}`;
};

const significantDigits = (text: string): number => text.replace(/[-.]/g, '').replace(/^0+/, '').length;

const invalid = (input: string | number, reason: string) =>
  new TributaryError('VALIDATION_FAILED', `${JSON.stringify(input)} ${reason}`);
