import { createHash, randomUUID } from 'node:crypto';
import type { IHeaders } from 'kafkajs';

/**
 * Event metadata travels in Kafka headers, the payload in the value, so tools can route and trace
 * records without decoding Avro.
 */
export interface Envelope {
  eventId: string;
  eventType: string;
  occurredAt: Date;
  correlationId: string;
  causationId: string | undefined;
  traceparent: string;
  producer: string;
}

export const headerNames = {
  eventId: 'event-id',
  eventType: 'event-type',
  occurredAt: 'occurred-at',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  traceparent: 'traceparent',
  producer: 'producer',
} as const satisfies Record<keyof Envelope, string>;

/**
 * An event id that depends only on what caused the event and its type, formatted as a UUID.
 * A handler that runs twice for the same cause (a redelivery) produces the same id, so
 * downstream de-duplication by event id recognises the second copy.
 */
export const derivedEventId = (cause: string, eventType: string): string => {
  const hex = createHash('sha256').update(`${cause}\u0000${eventType}`).digest('hex');
  // Version 5 and RFC 4122 variant bits, so tools that validate UUIDs accept it.
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
};

/**
 * 32 hex digits from a version 4 UUID: random but for its fixed version and variant digits, and
 * never all zeros. Node draws UUID entropy in bulk, where randomBytes asks the system every call.
 */
const randomHex = (): string => randomUUID().replaceAll('-', '');

/** A W3C trace context for records that start a trace: a 16-byte trace id and an 8-byte span id. */
export const newTraceparent = (): string => `00-${randomHex()}-${randomHex().slice(16)}-01`;

export const createEnvelope = (
  eventType: string,
  producer: string,
  context: Partial<Pick<Envelope, 'correlationId' | 'causationId' | 'traceparent' | 'occurredAt' | 'eventId'>> = {},
): Envelope => {
  const eventId = context.eventId ?? randomUUID();
  return {
    eventId,
    eventType,
    occurredAt: context.occurredAt ?? new Date(),
    correlationId: context.correlationId ?? eventId,
    causationId: context.causationId,
    traceparent: context.traceparent ?? newTraceparent(),
    producer,
  };
};

export const envelopeHeaders = (envelope: Envelope): IHeaders => {
  const headers: IHeaders = {
    [headerNames.eventId]: envelope.eventId,
    [headerNames.eventType]: envelope.eventType,
    [headerNames.occurredAt]: envelope.occurredAt.toISOString(),
    [headerNames.correlationId]: envelope.correlationId,
    [headerNames.traceparent]: envelope.traceparent,
    [headerNames.producer]: envelope.producer,
  };
  if (envelope.causationId) headers[headerNames.causationId] = envelope.causationId;
  return headers;
};

/** Header values as text; kafkajs hands them over as Buffers. */
export const readHeaders = (headers: IHeaders | undefined): Record<string, string> => {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = first.toString();
  }
  return result;
};

/**
 * The context for events produced because of a consumed one: same correlation and trace, and the
 * consumed event as the cause, so a saga's steps can be followed across topics.
 */
export const causedBy = (headers: Record<string, string>): Partial<Pick<Envelope, 'correlationId' | 'causationId' | 'traceparent'>> => {
  const context: Partial<Pick<Envelope, 'correlationId' | 'causationId' | 'traceparent'>> = {};
  const correlationId = headers[headerNames.correlationId];
  const causationId = headers[headerNames.eventId];
  const traceparent = headers[headerNames.traceparent];
  if (correlationId) context.correlationId = correlationId;
  if (causationId) context.causationId = causationId;
  if (traceparent) context.traceparent = traceparent;
  return context;
};
