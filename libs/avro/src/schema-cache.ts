import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { TributaryError, isTributaryError } from '@tributary/errors';
import type avsc from 'avsc';
import type { SchemaCatalog, SchemaEntry } from './catalog.ts';
import { lookupSchema, registerVersion } from './registry-http.ts';

/**
 * What the codec remembers from the registry. Each cache keeps the answer itself once it has come,
 * so a coded message after the first needs no promise, and the pending look-up while it has not,
 * so concurrent first uses share a single request; a failed look-up is forgotten and tried again.
 */

/** Subject naming is topic + record name: a topic carries several record types. */
export const subjectFor = (topic: string, entry: Pick<SchemaEntry, 'fullName'>): string => `${topic}-${entry.fullName}`;

export interface SchemaIds {
  /** The id of an entry registered under a topic's subject, if already known. */
  known(topic: string, entry: SchemaEntry): number | undefined;
  /** Looks the entry up under the subject, registering it if the subject lacks it. */
  resolve(topic: string, entry: SchemaEntry): Promise<number>;
}

export const createSchemaIds = (registryUrl: string, onRegistryRequest?: () => void): SchemaIds => {
  // Per entry, then per topic: no subject string is built for a known id.
  const ids = new Map<SchemaEntry, Map<string, number>>();
  const pending = new Map<string, Promise<number>>();
  const known = (topic: string, entry: SchemaEntry) => ids.get(entry)?.get(topic);

  const resolve = (topic: string, entry: SchemaEntry): Promise<number> => {
    const id = known(topic, entry);
    if (id !== undefined) return Promise.resolve(id);
    const subject = subjectFor(topic, entry);
    const cacheKey = `${subject}@${entry.version}`;
    let request = pending.get(cacheKey);
    if (!request) {
      // Look up first: a subject whose level `schemas register` set is only read, never re-registered.
      onRegistryRequest?.();
      request = lookupSchema(registryUrl, subject, entry.text)
        .then((found) => {
          if (found) return found.id;
          onRegistryRequest?.();
          return registerVersion(registryUrl, subject, entry.text);
        })
        .then((registered) => {
          const byTopic = ids.get(entry) ?? new Map<string, number>();
          ids.set(entry, byTopic.set(topic, registered));
          return registered;
        })
        .catch((cause: unknown) => {
          throw registryError(cause, `register ${entry.eventType} v${entry.version} under ${subject}`);
        })
        .finally(() => pending.delete(cacheKey));
      pending.set(cacheKey, request);
    }
    return request;
  };
  return { known, resolve };
};

export interface Reader {
  readonly entry: SchemaEntry;
  /** Absent when the writer's schema is the reader's: avsc then reads without resolving. */
  readonly resolver: avsc.Resolver | undefined;
}

export interface Readers {
  known(schemaId: number): Reader | undefined;
  resolve(schemaId: number): Promise<Reader>;
}

export const createReaders = (registry: SchemaRegistry, catalog: SchemaCatalog): Readers => {
  const readers = new Map<number, Reader>();
  const pending = new Map<number, Promise<Reader>>();

  const resolve = (schemaId: number): Promise<Reader> => {
    const reader = readers.get(schemaId);
    if (reader) return Promise.resolve(reader);
    let request = pending.get(schemaId);
    if (!request) {
      request = registry
        .getSchema(schemaId)
        .catch((cause: unknown) => {
          throw registryError(cause, `look up schema id ${schemaId}`);
        })
        .then((writer) => {
          const resolved = readerFor(writer as unknown as avsc.Type, schemaId, catalog);
          readers.set(schemaId, resolved);
          return resolved;
        })
        .finally(() => pending.delete(schemaId));
      pending.set(schemaId, request);
    }
    return request;
  };
  return { known: (schemaId) => readers.get(schemaId), resolve };
};

const readerFor = (writer: avsc.Type, schemaId: number, catalog: SchemaCatalog): Reader => {
  const entry = catalog.latestByFullName(writer.name ?? '');
  if (!entry) {
    throw new TributaryError('SCHEMA_NOT_FOUND', `Schema id ${schemaId} is ${writer.name ?? 'an anonymous type'}, which no local contract declares`);
  }
  // Strict: the same fields, defaults and logical types, not only the same canonical form.
  const same = (writer.equals as (other: avsc.Type, options: { strict: boolean }) => boolean).call(writer, entry.type, { strict: true });
  return { entry, resolver: same ? undefined : entry.type.createResolver(writer) };
};

export const registryError = (cause: unknown, action: string): TributaryError => {
  if (isTributaryError(cause)) return cause;
  const status = (cause as { status?: number }).status;
  if (status === 404) return new TributaryError('UNKNOWN_SCHEMA_ID', `Schema registry could not ${action}: not found`, { cause });
  if (status === 409 || status === 422) {
    return new TributaryError('SCHEMA_INVALID', `Schema registry refused to ${action}: ${(cause as Error).message}`, { cause });
  }
  return new TributaryError('REGISTRY_UNAVAILABLE', `Schema registry unavailable, could not ${action}: ${(cause as Error).message}`, { cause });
};
