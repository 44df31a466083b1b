import { TributaryError } from '@tributary/errors';

/**
 * Confluent wire format: byte 0 is the magic byte 0, bytes 1-4 the schema id (big-endian, as the
 * registry assigned it), the rest the Avro binary body.
 */
const magicByte = 0;
const headerLength = 5;

export const toWireFormat = (schemaId: number, body: Buffer): Buffer => {
  const header = Buffer.alloc(headerLength);
  header.writeUInt8(magicByte, 0);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
};

export const fromWireFormat = (buffer: Buffer | null | undefined): { schemaId: number; body: Buffer } => {
  if (!buffer || buffer.length < headerLength || buffer.readUInt8(0) !== magicByte) {
    throw new TributaryError('WIRE_FORMAT_INVALID', 'Record value is not in the Confluent wire format (magic byte 0, 4-byte schema id, Avro body)');
  }
  return { schemaId: buffer.readUInt32BE(1), body: buffer.subarray(headerLength) };
};
