import { describe, expect, it } from 'vitest';
import { fromWireFormat, toWireFormat } from './index.ts';

describe('the Confluent wire format', () => {
  it('puts magic byte 0 and the big-endian schema id before the body', () => {
    const wire = toWireFormat(258, Buffer.from([7, 8]));
    expect([...wire]).toEqual([0, 0, 0, 1, 2, 7, 8]);
    expect(fromWireFormat(wire)).toEqual({ schemaId: 258, body: Buffer.from([7, 8]) });
  });

  it('refuses values that are not in the wire format', () => {
    for (const bad of [null, Buffer.from('{"json":true}'), Buffer.from([0, 0, 1])]) {
      expect(() => fromWireFormat(bad)).toThrowError(expect.objectContaining({ code: 'WIRE_FORMAT_INVALID' }) as Error);
    }
  });
});
