import avsc from 'avsc';
import { decimalFromBytes, decimalToBytes, formatDecimal, parseDecimal } from './decimal.ts';
import { formatUnscaled, maxFastScale, readTwosComplement, twosComplementLength, unscaledFromText, withinPrecision, writeTwosComplement } from './decimal-fast.ts';

/**
 * Avro logical types the contracts use. avsc leaves logical types to the application; these map
 * `bytes/decimal` to exact decimal strings and `long/timestamp-millis` to Date.
 *
 * The Exact* classes convert every value through `_toValue` / `_fromValue`: BigInt, a hex string
 * and a Buffer of its own per decimal. The classes in use extend them to read and write avsc's
 * cursor (its Tap) directly, which is where coding spends its time: a decimal of up to 15 digits
 * goes straight between its text and its bytes (decimal-fast.ts), a Date straight to its long.
 * Every other value takes the exact path, and both write the same bytes (tests compare them).
 */

/** The parts of avsc's Tap (a position in a buffer) that the fast paths use. */
interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  writeLong(value: number): void;
  readBytes(): Buffer | undefined;
  writeBytes(bytes: Buffer): void;
}

type Check = (value: unknown, flags: unknown, hook?: (value: unknown, type: avsc.Type) => void, path?: string[]) => boolean;
const logicalCheck = (avsc.types.LogicalType.prototype as unknown as { _check: Check })._check;

export class ExactDecimalType extends avsc.types.LogicalType {
  readonly scale: number;
  readonly precision: number;

  constructor(schema: avsc.Schema, options?: unknown) {
    super(schema, options);
    const { scale = 0, precision } = schema as { scale?: number; precision?: number };
    if (typeof precision !== 'number' || precision < 1) throw new Error('decimal logical type needs a positive precision');
    this.scale = scale;
    this.precision = precision;
  }

  protected override _fromValue(bytes: Buffer): string {
    return formatDecimal(decimalFromBytes(bytes), this.scale);
  }

  protected override _toValue(value: unknown): Buffer {
    if (typeof value !== 'string' && typeof value !== 'number') throw new Error('decimal must be a string or number');
    const scaled = parseDecimal(value, this.scale);
    if ((scaled < 0n ? -scaled : scaled).toString().length > this.precision) {
      throw new Error(`decimal exceeds precision ${this.precision}`);
    }
    return decimalToBytes(scaled);
  }

  protected override _resolve(writer: avsc.Type): ((value: unknown) => unknown) | undefined {
    // A decimal written by another version is already canonical text; plain bytes need decoding.
    if (writer instanceof ExactDecimalType) return (value) => value;
    if (writer.typeName === 'bytes') return (value) => this._fromValue(value as Buffer);
    return undefined;
  }
}

export class DecimalType extends ExactDecimalType {
  /** The unscaled value when `value` can take the fast path, checked against the precision. */
  private fastUnscaled(value: unknown): number | undefined {
    if (typeof value !== 'string') return undefined;
    const unscaled = unscaledFromText(value, this.scale);
    return unscaled !== undefined && withinPrecision(unscaled, this.precision) ? unscaled : undefined;
  }

  /** avsc writes with this; the Avro encoding of bytes is a long length, then the bytes. */
  _write(tap: Tap, value: unknown): void {
    const unscaled = this.fastUnscaled(value);
    if (unscaled === undefined) {
      tap.writeBytes(this._toValue(value));
      return;
    }
    const length = twosComplementLength(unscaled);
    tap.writeLong(length);
    const offset = tap.pos;
    tap.pos += length;
    // Past the end avsc only counts the bytes, then writes again into a buffer large enough.
    if (tap.pos <= tap.buf.length) writeTwosComplement(unscaled, tap.buf, offset, length);
  }

  _read(tap: Tap): string {
    const start = tap.pos;
    const length = tap.readLong();
    const offset = tap.pos;
    if (this.scale <= maxFastScale && offset + length <= tap.buf.length) {
      const unscaled = readTwosComplement(tap.buf, offset, length);
      if (unscaled !== undefined) {
        tap.pos = offset + length;
        return formatUnscaled(unscaled, this.scale);
      }
    }
    tap.pos = start;
    return this._fromValue(tap.readBytes() as Buffer);
  }

  /** Unions of a decimal (`["null", decimal]`) check every value before writing it. */
  _check(value: unknown, flags: unknown, hook?: (value: unknown, type: avsc.Type) => void, path?: string[]): boolean {
    return this.fastUnscaled(value) !== undefined || logicalCheck.call(this, value, flags, hook, path);
  }
}

export class ExactTimestampMillisType extends avsc.types.LogicalType {
  protected override _fromValue(millis: number): Date {
    return new Date(millis);
  }

  protected override _toValue(value: unknown): number {
    // JSON input (the produce command, fixtures) gives ISO strings or epoch milliseconds.
    const date = value instanceof Date ? value : typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)) ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) throw new Error('timestamp must be a Date, an ISO date string or epoch milliseconds');
    return date.getTime();
  }

  protected override _resolve(writer: avsc.Type): ((value: unknown) => unknown) | undefined {
    if (writer instanceof ExactTimestampMillisType) return (value) => value;
    if (writer.typeName === 'long') return (value) => this._fromValue(value as number);
    return undefined;
  }
}

export class TimestampMillisType extends ExactTimestampMillisType {
  _write(tap: Tap, value: unknown): void {
    const millis = value instanceof Date ? value.getTime() : Number.NaN;
    // A valid Date's time is always a safe integer; anything else is converted, or refused, here.
    tap.writeLong(Number.isNaN(millis) ? this._toValue(value) : millis);
  }

  _read(tap: Tap): Date {
    return new Date(tap.readLong());
  }
}

export const logicalTypes = {
  decimal: DecimalType,
  'timestamp-millis': TimestampMillisType,
};

/** The same logical types without their fast paths: the reference the fast paths are tested against. */
export const exactLogicalTypes = {
  decimal: ExactDecimalType,
  'timestamp-millis': ExactTimestampMillisType,
};

export const parseSchema = (schema: avsc.Schema): avsc.Type => avsc.Type.forSchema(schema, { logicalTypes });
