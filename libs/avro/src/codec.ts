import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { TributaryError, isTributaryError } from '@tributary/errors';
import type avsc from 'avsc';
import type { SchemaCatalog, SchemaEntry } from './catalog.ts';
import { logicalTypes } from './logical-types.ts';
import { lookupSchema, registerVersion } from './registry-http.ts';
import { fromWireFormat, toWireFormat } from './wire-format.ts';

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

/** Subject naming is topic + record name: a topic carries several record types. */
export const subjectFor = (topic: string, entry: Pick<SchemaEntry, 'fullName'>): string => `${topic}-${entry.fullName}`;

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
 * avsc checks every value while it writes, so the happy path pays for one pass only; the slower
 * field-by-field validation runs just to explain a failure.
 */
const encodeBody = (entry: SchemaEntry, payload: unknown): Buffer => {
  try {
    return entry.type.toBuffer(payload);
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

export const createAvroCodec = ({ registryUrl, catalog, onRegistryRequest }: AvroCodecOptions): AvroCodec => {
  const registry = createSchemaRegistry(registryUrl, { onRequest: onRegistryRequest });
  // Promises, not ids: concurrent first sends of one subject share a single registration call.
  const registered = new Map<string, Promise<number>>();
  const resolvers = new Map<number, Promise<{ reader: SchemaEntry; resolver: avsc.Resolver }>>();

  const schemaIdFor = (subject: string, entry: SchemaEntry): Promise<number> => {
    const cacheKey = `${subject}@${entry.version}`;
    let id = registered.get(cacheKey);
    if (!id) {
      // Look up first: a subject whose level `schemas register` set is only read, never re-registered.
      onRegistryRequest?.();
      id = lookupSchema(registryUrl, subject, entry.text)
        .then((found) => {
          if (found) return found.id;
          onRegistryRequest?.();
          return registerVersion(registryUrl, subject, entry.text);
        })
        .catch((cause: unknown) => {
          registered.delete(cacheKey);
          throw registryError(cause, `register ${entry.eventType} v${entry.version} under ${subject}`);
        });
      registered.set(cacheKey, id);
    }
    return id;
  };

  const readerFor = (schemaId: number) => {
    let entry = resolvers.get(schemaId);
    if (!entry) {
      entry = registry
        .getSchema(schemaId)
        .catch((cause: unknown) => {
          throw registryError(cause, `look up schema id ${schemaId}`);
        })
        .then((writer) => {
          const writerType = writer as unknown as avsc.Type;
          const reader = catalog.latestByFullName(writerType.name ?? '');
          if (!reader) {
            throw new TributaryError('SCHEMA_NOT_FOUND', `Schema id ${schemaId} is ${writerType.name ?? 'an anonymous type'}, which no local contract declares`);
          }
          return { reader, resolver: reader.type.createResolver(writerType) };
        });
      entry.catch(() => resolvers.delete(schemaId));
      resolvers.set(schemaId, entry);
    }
    return entry;
  };

  return {
    catalog,
    async encode(topic, eventType, payload, options = {}) {
      const entry = catalog.get(eventType, options.version);
      const body = encodeBody(entry, payload);
      const schemaId = await schemaIdFor(subjectFor(topic, entry), entry);
      return toWireFormat(schemaId, body);
    },
    async decode<T>(value: Buffer | null | undefined): Promise<DecodedEvent<T>> {
      const { schemaId, body } = fromWireFormat(value);
      const { reader, resolver } = await readerFor(schemaId);
      try {
        const payload = reader.type.fromBuffer(body, resolver) as T;
        return { eventType: reader.eventType, fullName: reader.fullName, schemaId, payload };
      } catch (cause) {
        throw new TributaryError('DECODE_FAILED', `Record body does not decode as ${reader.fullName} (schema id ${schemaId}): ${(cause as Error).message}`, { cause });
      }
    },
  };
};

const registryError = (cause: unknown, action: string): TributaryError => {
  if (isTributaryError(cause)) return cause;
  const status = (cause as { status?: number }).status;
  if (status === 404) return new TributaryError('UNKNOWN_SCHEMA_ID', `Schema registry could not ${action}: not found`, { cause });
  if (status === 409 || status === 422) {
    return new TributaryError('SCHEMA_INVALID', `Schema registry refused to ${action}: ${(cause as Error).message}`, { cause });
  }
  return new TributaryError('REGISTRY_UNAVAILABLE', `Schema registry unavailable, could not ${action}: ${(cause as Error).message}`, { cause });
};
