import { createAvroCodec, loadSchemaCatalog, type AvroCodec } from '@tributary/avro';
import { compare, formatComparison } from './harness.ts';
import { sampleLifecycle, sampleOrder } from './sample-order.ts';

export interface BenchOptions {
  registryUrl: string;
  full: boolean;
}

interface EventCase {
  eventType: string;
  topic: string;
  events: readonly unknown[];
}

const pick = <T>(list: readonly T[], index: number): T => list[index % list.length] as T;
const meanLength = (values: readonly Buffer[]): number => values.reduce((sum, value) => sum + value.length, 0) / values.length;

/** Encode and decode of one event type against JSON, and the bytes each writes. */
const benchEvent = async (
  { eventType, topic, events }: EventCase,
  encoder: AvroCodec,
  decoder: AvroCodec,
  size: { rounds: number; opsPerRound: number },
): Promise<string[]> => {
  const avroValues = await Promise.all(events.map((event) => encoder.encode(topic, eventType, event)));
  const jsonValues = events.map((event) => Buffer.from(JSON.stringify(event)));
  await decoder.decode(avroValues[0]);

  const encode = await compare(
    `encode ${eventType}`,
    { label: 'JSON.stringify', run: (n) => { for (let i = 0; i < n; i += 1) Buffer.from(JSON.stringify(pick(events, i))); } },
    { label: 'Avro codec', run: async (n) => { for (let i = 0; i < n; i += 1) await encoder.encode(topic, eventType, pick(events, i)); } },
    size,
  );
  const decode = await compare(
    `decode ${eventType}`,
    { label: 'JSON.parse', run: (n) => { for (let i = 0; i < n; i += 1) JSON.parse(pick(jsonValues, i).toString('utf8')); } },
    { label: 'Avro codec', run: async (n) => { for (let i = 0; i < n; i += 1) await decoder.decode(pick(avroValues, i)); } },
    size,
  );
  const avroBytes = meanLength(avroValues);
  const jsonBytes = meanLength(jsonValues);
  return [
    formatComparison(encode),
    formatComparison(decode),
    `${`bytes per ${eventType}`.padEnd(34)} Avro (wire format, 5-byte header included): ${avroBytes.toFixed(1)}   JSON: ${jsonBytes.toFixed(1)}   ratio ${(avroBytes / jsonBytes).toFixed(2)}`,
  ];
};

/**
 * Our Avro codec (registry look-ups cached) against JSON.stringify / JSON.parse on the same
 * objects, for the order placed and the stock reserved for it (a decimal amount, a timestamp),
 * plus bytes per event and the registry calls made while coding many messages.
 */
export const codecBench = async ({ registryUrl, full }: BenchOptions): Promise<string[]> => {
  const size = { rounds: full ? 9 : 5, opsPerRound: full ? 20_000 : 2_000 };
  const run = Date.now();
  const catalog = loadSchemaCatalog();

  let encoderCalls = 0;
  let decoderCalls = 0;
  const encoder = createAvroCodec({ registryUrl, onRegistryRequest: () => (encoderCalls += 1), catalog });
  // A separate decoder, as a consumer in another process would be: it must look each schema up once.
  const decoder = createAvroCodec({ registryUrl, onRegistryRequest: () => (decoderCalls += 1), catalog });

  const orders = Array.from({ length: 256 }, (_, index) => sampleOrder(index));
  const cases: EventCase[] = [
    { eventType: 'OrderPlaced', topic: `bench-orders-${run}`, events: orders },
    { eventType: 'StockReserved', topic: `bench-inventory-${run}`, events: orders.map((order) => sampleLifecycle(order).reserved) },
  ];
  const lines: string[] = [];
  for (const eventCase of cases) lines.push(...(await benchEvent(eventCase, encoder, decoder, size)));

  const perType = (size.rounds + 1) * size.opsPerRound + size.opsPerRound / 4;
  const messages = Math.round(perType * cases.length).toLocaleString('en-US');
  lines.push(
    `registry HTTP calls                encoder: ${encoderCalls} for ~${messages} encodes (one registration per subject)   decoder: ${decoderCalls} for ~${messages} decodes (one look-up per schema)`,
  );
  return lines;
};
