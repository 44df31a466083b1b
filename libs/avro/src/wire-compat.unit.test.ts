import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { encodeWireBody, exactLogicalTypes, loadSchemaCatalog, wireHeaderLength, writeSchemaId } from './index.ts';
import { wireSamples } from './wire-samples.ts';

/**
 * The bytes the codec wrote before its fast paths, for the samples in wire-samples.ts (schema id
 * 1234): topics already written, and clients in other languages, must keep reading what it writes.
 */
const writtenBefore: Record<string, string> = {
  'a typical order':
    '00000004d24830623666336331652d386135322d346437652d396331612d35663265376434623961313016637573746f6d65722d3432064555520612534b552d31303030310406030cdc12534b552d3130303031020626121812534b552d313030303118040dac0080a0a484ce67020212535052494e472d3130',
  'zero and the smallest amounts':
    '00000004d24830623666336331652d386135322d346437652d396331612d35663265376434623961313016637573746f6d65722d3432064555520812534b552d313030303102020012534b552d313030303102020112534b552d31303030310202ff12534b552d313030303102020000000200',
  'the largest amounts of precision 18':
    '00000004d24830623666336331652d386135322d346437652d396331612d35663265376434623961313016637573746f6d65722d3432064555520612534b552d313030303102100de0b6b3a763ffff12534b552d31303030310210f21f494c589c000112534b552d31303030310210016345785d8a000000010200',
  'amounts at the edges of 15 digits and of 6 and 7 bytes':
    '00000004d24830623666336331652d386135322d346437652d396331612d35663265376434623961313016637573746f6d65722d3432064555520a12534b552d3130303031020e038d7ea4c67fff12534b552d3130303031020e038d7ea4c6800012534b552d3130303031020e0080000000000012534b552d3130303031020c80000000000012534b552d3130303031020eff7fffffffffff008080e0ad9882d91e0200',
  'byte boundaries of small amounts':
    '00000004d24830623666336331652d386135322d346437652d396331612d35663265376434623961313016637573746f6d65722d3432064555520e12534b552d313030303102027f12534b552d31303030310204008012534b552d313030303102028012534b552d31303030310204ff7f12534b552d313030303102047fff12534b552d3130303031020600800012534b552d313030303102048000008080e0ad9882d91e0200',
  'amounts given as numbers and with trailing zeros':
    '00000004d24830623666336331652d386135322d346437652d396331612d35663265376434623961313016637573746f6d65722d3432064555520812534b552d31303030310206030cdc12534b552d3130303031020403e812534b552d31303030310206030cdc12534b552d313030303102060124f800020200',
  'an order of version 1':
    '00000004d24830623666336331652d386135322d346437652d396331612d3566326537643462396131300263065553440212534b552d313030303102043a9800f6a1abfef962',
  'a reservation with its amount':
    '00000004d24830623666336331652d386135322d346437652d396331612d356632653764346239613130020a534b552d31040002062ccfe002064555520216637573746f6d65722d3432d0afa484ce67',
  'a reservation without the fields of version 2':
    '00000004d24830623666336331652d386135322d346437652d396331612d3566326537643462396131300000000000',
  'a reservation of the largest amount':
    '00000004d24830623666336331652d386135322d346437652d396331612d356632653764346239613130000210f21f494c589c000102064a5059000a',
  'a reservation of version 1':
    '00000004d24830623666336331652d386135322d346437652d396331612d356632653764346239613130020a534b552d39020004',
  'an authorized payment':
    '00000004d24830623666336331652d386135322d346437652d396331612d3566326537643462396131300c7048860ddf79064555520c617574682d31a0bfa484ce67',
};

describe('the wire format of the codec', () => {
  const catalog = loadSchemaCatalog();
  // The same contracts with the exact logical types only: the reference for what is read back.
  const exactType = (eventType: string, version: number) =>
    avsc.Type.forSchema(JSON.parse(catalog.get(eventType, version).text) as avsc.Schema, { logicalTypes: exactLogicalTypes });

  for (const sample of wireSamples) {
    it(`writes ${sample.name} byte for byte as before, and reads it back as the exact path does`, () => {
      const { type } = catalog.get(sample.eventType, sample.version);
      const wire = writeSchemaId(encodeWireBody(type, sample.payload), 1234);
      expect(wire.toString('hex')).toBe(writtenBefore[sample.name]);
      const decoded = type.decode(wire, wireHeaderLength);
      expect(decoded.offset).toBe(wire.length);
      expect(decoded.value).toEqual(exactType(sample.eventType, sample.version).fromBuffer(wire.subarray(wireHeaderLength)));
    });
  }

  it('writes a value larger than its scratch buffer whole', () => {
    const { type } = catalog.get('StockReserved');
    const items = Array.from({ length: 5_000 }, (_, index) => ({ sku: `SKU-${index}`, quantity: index }));
    const payload = { orderId: 'o-1', items, amount: '1.5', currency: 'EUR', customerId: 'c-1', reservedAt: new Date(0) };
    const wire = encodeWireBody(type, payload);
    expect(wire.subarray(wireHeaderLength)).toEqual(type.toBuffer(payload));
    expect(encodeWireBody(type, { ...payload, items: items.slice(0, 1) }).subarray(wireHeaderLength)).toEqual(type.toBuffer({ ...payload, items: items.slice(0, 1) }));
  });
});
