import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TributaryError } from '@tributary/errors';
import type avsc from 'avsc';
import { parseSchema } from './logical-types.ts';

/** One contract: `schemas/avro/<stream>/<EventType>.v<N>.avsc`. */
export interface SchemaEntry {
  readonly stream: string;
  readonly eventType: string;
  readonly version: number;
  /** The record's namespace-qualified name; subjects and reader look-ups use it. */
  readonly fullName: string;
  /**
   * The file's own text, as registered and looked up, without the whitespace around it (clients
   * such as confluent-kafka's strip it). Confluent's registry matches a lookup on the parsed schema;
   * Apicurio's Confluent API on the exact text unless its canonical-hash mode is on (the local stack
   * turns it on), so a client that sends the .avsc it was given finds the version on both.
   */
  readonly text: string;
  readonly type: avsc.Type;
}

export interface SchemaCatalog {
  readonly entries: readonly SchemaEntry[];
  /** The newest version of an event type, or the one asked for. */
  get(eventType: string, version?: number): SchemaEntry;
  /** The newest local version of a record: the reader shape a consumer decodes into. */
  latestByFullName(fullName: string): SchemaEntry | undefined;
}

export const defaultSchemasDir = (): string =>
  process.env['TRIBUTARY_SCHEMAS_DIR'] ?? fileURLToPath(new URL('../../../schemas/avro', import.meta.url));

const fileNamePattern = /^([A-Z][A-Za-z0-9]*)\.v([1-9]\d*)\.avsc$/;

export const loadSchemaCatalog = (dir: string = defaultSchemasDir()): SchemaCatalog => {
  const entries: SchemaEntry[] = [];
  let streams: string[];
  try {
    streams = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (cause) {
    throw new TributaryError('SCHEMA_NOT_FOUND', `Cannot read the schema folder ${dir}; set TRIBUTARY_SCHEMAS_DIR to the folder holding the .avsc files`, { cause });
  }
  for (const stream of streams) {
    for (const file of readdirSync(path.join(dir, stream))) {
      if (!file.endsWith('.avsc')) continue;
      const match = fileNamePattern.exec(file);
      const where = path.join(stream, file);
      if (!match) throw new TributaryError('SCHEMA_INVALID', `${where}: schema files are named <EventType>.v<N>.avsc`);
      const [, eventType = '', version = ''] = match;
      const text = readFileSync(path.join(dir, stream, file), 'utf8');
      let type: avsc.Type;
      try {
        type = parseSchema(JSON.parse(text) as avsc.Schema);
      } catch (cause) {
        throw new TributaryError('SCHEMA_INVALID', `${where}: not a valid Avro schema: ${(cause as Error).message}`, { cause });
      }
      const fullName = type.name ?? '';
      if (!fullName.endsWith(`.${eventType}`)) {
        throw new TributaryError('SCHEMA_INVALID', `${where}: the record is named ${fullName || '(anonymous)'}, expected <namespace>.${eventType}`);
      }
      entries.push({ stream, eventType, version: Number(version), fullName, text: text.trim(), type });
    }
  }
  entries.sort((a, b) => a.eventType.localeCompare(b.eventType) || a.version - b.version);
  return createCatalog(entries);
};

const createCatalog = (entries: SchemaEntry[]): SchemaCatalog => {
  // Indexed once: every encode asks for its event type's entry.
  const newestByType = new Map<string, SchemaEntry>();
  const byTypeAndVersion = new Map<string, Map<number, SchemaEntry>>();
  const newestByFullName = new Map<string, SchemaEntry>();
  for (const entry of entries) {
    const versions = byTypeAndVersion.get(entry.eventType) ?? new Map<number, SchemaEntry>();
    if (!versions.has(entry.version)) versions.set(entry.version, entry);
    byTypeAndVersion.set(entry.eventType, versions);
    if ((newestByType.get(entry.eventType)?.version ?? 0) < entry.version) newestByType.set(entry.eventType, entry);
    if ((newestByFullName.get(entry.fullName)?.version ?? 0) < entry.version) newestByFullName.set(entry.fullName, entry);
  }
  return {
    entries,
    get(eventType, version) {
      const entry = version === undefined ? newestByType.get(eventType) : byTypeAndVersion.get(eventType)?.get(version);
      if (!entry) {
        const known = [...new Set(entries.map((e) => e.eventType))].join(', ');
        throw new TributaryError('SCHEMA_NOT_FOUND', `No schema for ${eventType}${version ? ` v${version}` : ''}; known event types: ${known}`);
      }
      return entry;
    },
    latestByFullName: (fullName) => newestByFullName.get(fullName),
  };
};
