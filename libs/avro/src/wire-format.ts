import { TributaryError } from '@tributary/errors';
import type avsc from 'avsc';

/**
 * Confluent wire format: byte 0 is the magic byte 0, bytes 1-4 the schema id (big-endian, as the
 * registry assigned it), the rest the Avro binary body.
 */
const magicByte = 0;
export const wireHeaderLength = 5;

export const toWireFormat = (schemaId: number, body: Buffer): Buffer => {
  const wire = Buffer.allocUnsafe(wireHeaderLength + body.length);
  body.copy(wire, wireHeaderLength);
  return writeSchemaId(wire, schemaId);
};

/** Sets the header of a wire-format buffer whose body is already written. */
export const writeSchemaId = (wire: Buffer, schemaId: number): Buffer => {
  wire[0] = magicByte;
  wire.writeUInt32BE(schemaId, 1);
  return wire;
};

// avsc writes into this and the result is copied out once, header included, as toBuffer and
// Buffer.concat would each have copied it; it grows to the largest value written.
let scratch = Buffer.allocUnsafe(16 * 1024);

/**
 * Writes `payload` as the body of a wire-format buffer; the caller sets the schema id. Throws
 * what avsc throws for a value the type does not hold.
 */
export const encodeWireBody = (type: avsc.Type, payload: unknown): Buffer => {
  let end = type.encode(payload, scratch, wireHeaderLength);
  if (end < 0) {
    // encode returns minus the bytes it was short of.
    scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end));
    end = type.encode(payload, scratch, wireHeaderLength);
  }
  const wire = Buffer.allocUnsafe(end);
  scratch.copy(wire, wireHeaderLength, wireHeaderLength, end);
  return wire;
};

/** The schema id of a wire-format buffer; its body starts at `wireHeaderLength`. */
export const readSchemaId = (buffer: Buffer | null | undefined): number => {
  if (!buffer || buffer.length < wireHeaderLength || buffer[0] !== magicByte) {
    throw new TributaryError('WIRE_FORMAT_INVALID', 'Record value is not in the Confluent wire format (magic byte 0, 4-byte schema id, Avro body)');
  }
  return buffer.readUInt32BE(1);
};

export const fromWireFormat = (buffer: Buffer | null | undefined): { schemaId: number; body: Buffer } => {
  const schemaId = readSchemaId(buffer);
  return { schemaId, body: (buffer as Buffer).subarray(wireHeaderLength) };
};
