import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { TributaryError } from '@tributary/errors';
import type avsc from 'avsc';
import type { SchemaCatalog, SchemaEntry } from './catalog.ts';
import { logicalTypes } from './logical-types.ts';
import { createReaders, createSchemaIds, type Reader } from './schema-cache.ts';
import { encodeWireBody, readSchemaId, wireHeaderLength, writeSchemaId } from './wire-format.ts';

export { subjectFor } from './schema-cache.ts';

export interface DecodedEvent<T = Record<string, unknown>> {
  readonly eventType: string;
  readonly fullName: string;
  readonly schemaId: number;
  readonly payload: T;
}

export interface AvroCodec {
  /** Validates, registers the schema once per subject, and returns the wire-format bytes. */
  encode(topic: string, eventType: string, payload: unknown, options?: { version?: number }): Promise<Buffer>;
  /** Decodes any version of a known record into the newest local (reader) shape. */
  decode<T = Record<string, unknown>>(value: Buffer | null | undefined): Promise<DecodedEvent<T>>;
  readonly catalog: SchemaCatalog;
}

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export interface SchemaRegistryOptions {
  /** Called once per HTTP request to the registry: metrics, and proof that look-ups are cached. */
  onRequest?: () => void;
}

export const createSchemaRegistry = (url: string, { onRequest }: SchemaRegistryOptions = {}): SchemaRegistry =>
  new SchemaRegistry(
    {
      host: url,
      middlewares: onRequest
        ? [
            () => ({
              prepareRequest: (next) => {
                onRequest();
                return next();
              },
            }),
          ]
        : [],
    },
    { [SchemaType.AVRO]: { logicalTypes } },
  );

/** The paths of fields a value gets wrong for a type, as `items[0].quantity`. */
export const validate = (type: avsc.Type, value: unknown): FieldError[] => {
  const errors: FieldError[] = [];
  type.isValid(value, {
    errorHook: (path: string[], fieldValue: unknown, fieldType: avsc.Type) => {
      const field = path.reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
      errors.push({ field: field || '(value)', message: `expected ${describe(fieldType)}, got ${JSON.stringify(fieldValue) ?? 'undefined'}` });
    },
  });
  return errors;
};

const describe = (type: avsc.Type): string => {
  const schema = type.schema() as unknown;
  if (typeof schema === 'string') return schema;
  const { logicalType, type: kind } = schema as { logicalType?: string; type?: unknown };
  return logicalType ?? (typeof kind === 'string' ? kind : JSON.stringify(schema));
};

/**
 * The wire-format buffer with the body written and the schema id still to set. avsc checks every
 * value while it writes, so the happy path pays for one pass only; the slower
 * field-by-field validation runs just to explain a failure.
 */
const encodeBody = (entry: SchemaEntry, payload: unknown): Buffer => {
  try {
    return encodeWireBody(entry.type, payload);
  } catch (cause) {
    const fieldErrors = validate(entry.type, payload);
    const reason = fieldErrors.length > 0 ? fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ') : (cause as Error).message;
    throw new TributaryError('VALIDATION_FAILED', `${entry.eventType} v${entry.version} is invalid: ${reason}`, {
      cause,
      details: { fields: fieldErrors },
    });
  }
};

export interface AvroCodecOptions {
  /** Confluent-compatible registry base URL (…/apis/ccompat/v7 for Apicurio). */
  registryUrl: string;
  catalog: SchemaCatalog;
  /** Called once per HTTP request to the registry: metrics, and proof that look-ups are cached. */
  onRegistryRequest?: () => void;
}

/**
 * Once a subject's id or a schema id's reader is known, encode and decode run without waiting on
 * anything: the promise they return is already settled, so a caller pays one await per message.
 */
export const createAvroCodec = ({ registryUrl, catalog, onRegistryRequest }: AvroCodecOptions): AvroCodec => {
  const schemaIds = createSchemaIds(registryUrl, onRegistryRequest);
  const readers = createReaders(createSchemaRegistry(registryUrl, { onRequest: onRegistryRequest }), catalog);

  return {
    catalog,
    encode(topic, eventType, payload, options = {}) {
      try {
        const entry = catalog.get(eventType, options.version);
        const wire = encodeBody(entry, payload);
        const schemaId = schemaIds.known(topic, entry);
        if (schemaId !== undefined) return Promise.resolve(writeSchemaId(wire, schemaId));
        return schemaIds.resolve(topic, entry).then((id) => writeSchemaId(wire, id));
      } catch (error) {
        return rejected(error);
      }
    },
    decode<T>(value: Buffer | null | undefined): Promise<DecodedEvent<T>> {
      try {
        const schemaId = readSchemaId(value);
        const wire = value as Buffer;
        const reader = readers.known(schemaId);
        if (reader) return Promise.resolve(decodeBody<T>(reader, wire, schemaId));
        return readers.resolve(schemaId).then((resolved) => decodeBody<T>(resolved, wire, schemaId));
      } catch (error) {
        return rejected(error);
      }
    },
  };
};

/** What a thrown error would have rejected an async function's promise with. */
const rejected = (error: unknown): Promise<never> => Promise.reject(error instanceof Error ? error : new Error(String(error)));

const decodeBody = <T>({ entry, resolver }: Reader, wire: Buffer, schemaId: number): DecodedEvent<T> => {
  let decoded: { value: unknown; offset: number };
  try {
    decoded = entry.type.decode(wire, wireHeaderLength, resolver);
  } catch (cause) {
    throw decodeFailed(entry, schemaId, (cause as Error).message, cause);
  }
  // avsc's fromBuffer words these two the same way.
  if (decoded.offset < 0) throw decodeFailed(entry, schemaId, 'truncated buffer');
  if (decoded.offset < wire.length) throw decodeFailed(entry, schemaId, 'trailing data');
  return { eventType: entry.eventType, fullName: entry.fullName, schemaId, payload: decoded.value as T };
};

const decodeFailed = (entry: SchemaEntry, schemaId: number, reason: string, cause?: unknown) =>
  new TributaryError('DECODE_FAILED', `Record body does not decode as ${entry.fullName} (schema id ${schemaId}): ${reason}`, { cause });
