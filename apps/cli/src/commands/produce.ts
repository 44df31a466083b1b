import { readFile } from 'node:fs/promises';
import { TributaryError } from '@tributary/errors';
import { createEventProducer } from '@tributary/kafka';
import type { LeafCommand } from '../command.ts';
import { connectFromEnvironment, environmentHelp } from '../events/backbone.ts';
import { defaultKeyField, prepareRecords } from '../events/json-lines.ts';
import { usageError } from '../usage-error.ts';

/** Records per send: large enough to be fast, small enough that one failed send is easy to resume. */
const chunkSize = 500;

const readInput = async (values: Record<string, string | boolean | undefined>): Promise<string> => {
  const data = values['data'];
  const file = values['file'];
  if (typeof data === 'string' && typeof file === 'string') throw usageError('give --data or --file, not both');
  if (typeof data === 'string') return data.replace(/\r?\n/g, ' ');
  if (typeof file === 'string') {
    return readFile(file, 'utf8').catch((cause: unknown) => {
      throw new TributaryError('USAGE', `cannot read ${file}: ${(cause as Error).message}`, { cause });
    });
  }
  if (process.stdin.isTTY) throw usageError('give --data \'{...}\', --file <path>, or pipe JSON lines to standard input');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export const produceCommand: LeafCommand = {
  name: 'produce',
  summary: 'validate JSON lines against an event schema, encode them as Avro and produce them with the envelope headers',
  usage: 'tributary produce <topic> --type <EventType> [--version N] [--key-field <field>] [--data <json> | --file <path> | < lines.jsonl] [--skip-invalid] [--correlation-id <id>]',
  positionals: true,
  options: {
    type: { type: 'string' },
    version: { type: 'string' },
    'key-field': { type: 'string' },
    data: { type: 'string' },
    file: { type: 'string' },
    'skip-invalid': { type: 'boolean' },
    'correlation-id': { type: 'string' },
  },
  optionHelp: {
    type: 'event type, as in schemas/avro (OrderPlaced, StockReserved, ...)',
    version: 'schema version to write with (default: the newest)',
    'key-field': 'payload field used as the record key (default: orderId)',
    data: 'one JSON object to produce',
    file: 'a file of JSON lines (default: standard input)',
    'skip-invalid': 'produce the valid lines and report the others, instead of producing nothing',
    'correlation-id': 'correlation id for every record (default: each record\'s own event id)',
  },
  details: `Every line is checked before anything is produced: one invalid line stops the command, naming the line and the field, unless --skip-invalid. Prints one line per record: input line, partition, offset, key.\n\n${environmentHelp}`,
  run: async ({ positionals, values, io }) => {
    const [topic, ...extra] = positionals;
    if (!topic || extra.length > 0) throw usageError('give exactly one topic: tributary produce <topic> --type <EventType>');
    const eventType = values['type'];
    if (typeof eventType !== 'string') throw usageError('--type <EventType> is required');
    const versionText = values['version'];
    const version = typeof versionText === 'string' ? Number(versionText) : undefined;
    if (version !== undefined && !(Number.isInteger(version) && version > 0)) throw usageError(`--version must be a positive whole number, got ${String(versionText)}`);

    const { kafka, codec } = connectFromEnvironment(io.env, 'tributary-cli');
    const entry = codec.catalog.get(eventType, version);
    const keyField = typeof values['key-field'] === 'string' ? values['key-field'] : defaultKeyField(entry);
    if (!keyField) throw usageError(`${eventType} has no id field to key by; give --key-field <field>`);

    const { records, invalid } = prepareRecords(await readInput(values), entry, keyField);
    for (const bad of invalid) io.err(`line ${bad.line}: ${bad.reason}`);
    if (invalid.length > 0 && values['skip-invalid'] !== true) {
      throw new TributaryError('VALIDATION_FAILED', `${invalid.length} invalid line(s), first at line ${invalid[0]?.line}; nothing was produced (--skip-invalid produces the valid lines)`, {
        details: { invalid },
      });
    }
    if (records.length === 0) {
      io.err('nothing to produce');
      return invalid.length > 0 ? 1 : 0;
    }

    const producer = createEventProducer({ kafka, codec, producerName: 'tributary-cli' });
    await producer.connect();
    try {
      const correlationId = typeof values['correlation-id'] === 'string' ? values['correlation-id'] : undefined;
      for (let start = 0; start < records.length; start += chunkSize) {
        const chunk = records.slice(start, start + chunkSize);
        const published = await producer.publish(
          topic,
          chunk.map((record) => ({ key: record.key, eventType, version: entry.version, payload: record.payload, context: correlationId ? { correlationId } : {} })),
        );
        published.forEach((result, index) => {
          io.out(`line ${chunk[index]?.line}: partition ${result.partition} offset ${result.offset} key ${chunk[index]?.key}`);
        });
      }
    } finally {
      await producer.disconnect();
    }
    io.err(`produced ${records.length} ${eventType} v${entry.version} record(s) to ${topic}${invalid.length > 0 ? `; skipped ${invalid.length} invalid line(s)` : ''}`);
    return 0;
  },
};
