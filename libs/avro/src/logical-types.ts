import avsc from 'avsc';
import { decimalFromBytes, decimalToBytes, formatDecimal, parseDecimal } from './decimal.ts';

/**
 * Avro logical types the contracts use. avsc leaves logical types to the application; these map
 * `bytes/decimal` to exact decimal strings and `long/timestamp-millis` to Date.
 */

export class DecimalType extends avsc.types.LogicalType {
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
    if (writer instanceof DecimalType) return (value) => value;
    if (writer.typeName === 'bytes') return (value) => this._fromValue(value as Buffer);
    return undefined;
  }
}

export class TimestampMillisType extends avsc.types.LogicalType {
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
    if (writer instanceof TimestampMillisType) return (value) => value;
    if (writer.typeName === 'long') return (value) => this._fromValue(value as number);
    return undefined;
  }
}

export const logicalTypes = {
  decimal: DecimalType,
  'timestamp-millis': TimestampMillisType,
};

export const parseSchema = (schema: avsc.Schema): avsc.Type => avsc.Type.forSchema(schema, { logicalTypes });
