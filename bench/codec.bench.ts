import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { compare, formatComparison } from './harness.ts';
import { sampleOrder } from './sample-order.ts';

export interface BenchOptions {
  registryUrl: string;
  full: boolean;
}


/**
 * Our Avro codec (registry look-ups cached) against JSON.stringify / JSON.parse on the same
 * objects, plus bytes per event and the registry calls made while coding many messages.
 */
export const codecBench = async ({ registryUrl, full }: BenchOptions): Promise<string[]> => {
  const rounds = full ? 9 : 5;
  const opsPerRound = full ? 20_000 : 2_000;
  const topic = `bench-orders-${Date.now()}`;
  const catalog = loadSchemaCatalog();

  let encoderCalls = 0;
  let decoderCalls = 0;
  const encoder = createAvroCodec({ registryUrl, onRegistryRequest: () => (encoderCalls += 1), catalog });
  // A separate decoder, as a consumer in another process would be: it must look the schema up once.
  const decoder = createAvroCodec({ registryUrl, onRegistryRequest: () => (decoderCalls += 1), catalog });

  const orders = Array.from({ length: 256 }, (_, index) => sampleOrder(index));
  const avroValues = await Promise.all(orders.map((order) => encoder.encode(topic, 'OrderPlaced', order)));
  const jsonValues = orders.map((order) => Buffer.from(JSON.stringify(order)));
  await decoder.decode(avroValues[0]);
  const pick = <T>(list: readonly T[], index: number): T => list[index % list.length] as T;

  const encode = await compare(
    'encode OrderPlaced',
    { label: 'JSON.stringify', run: (n) => { for (let i = 0; i < n; i += 1) Buffer.from(JSON.stringify(pick(orders, i))); } },
    { label: 'Avro codec', run: async (n) => { for (let i = 0; i < n; i += 1) await encoder.encode(topic, 'OrderPlaced', pick(orders, i)); } },
    { rounds, opsPerRound },
  );
  const decode = await compare(
    'decode OrderPlaced',
    { label: 'JSON.parse', run: (n) => { for (let i = 0; i < n; i += 1) JSON.parse(pick(jsonValues, i).toString('utf8')); } },
    { label: 'Avro codec', run: async (n) => { for (let i = 0; i < n; i += 1) await decoder.decode(pick(avroValues, i)); } },
    { rounds, opsPerRound },
  );

  const messages = (rounds + 1) * opsPerRound + opsPerRound / 4;
  const avroBytes = avroValues.reduce((sum, value) => sum + value.length, 0) / avroValues.length;
  const jsonBytes = jsonValues.reduce((sum, value) => sum + value.length, 0) / jsonValues.length;
  return [
    formatComparison(encode),
    formatComparison(decode),
    `bytes per OrderPlaced              Avro (wire format, 5-byte header included): ${avroBytes.toFixed(1)}   JSON: ${jsonBytes.toFixed(1)}   ratio ${(avroBytes / jsonBytes).toFixed(2)}`,
    `registry HTTP calls                encoder: ${encoderCalls} for ~${Math.round(messages).toLocaleString('en-US')} encodes (one registration)   decoder: ${decoderCalls} for ~${Math.round(messages).toLocaleString('en-US')} decodes (one schema look-up)`,
  ];
};
