import type { Span, Tracer } from '@opentelemetry/api';
import { contextFromTraceparent, endSpan, startProcessSpan, traceparentOf } from '@tributary/tracing';
import { headerNames } from '../envelope.ts';
import type { Decoded } from './decode-stage.ts';

export interface ProcessSpans<T> {
  /** The batch's records, each carrying its process span's traceparent, so what a handler publishes for it is that span's child. */
  records: Decoded<T>[];
  /** Ends the span of a record that was dead-lettered, marked failed. */
  fail(offset: string, error: unknown): void;
  /** Ends every span still open: the batch is committed, or (with an error) paused to be handled again. */
  end(error?: unknown): void;
}

/**
 * A `process <topic>` span per decoded record, a child of the span that published it: one span per
 * record rather than one per batch linked to many, so an order's trace runs unbroken through every
 * service. A record with a missing or malformed traceparent starts a trace of its own.
 */
export const openProcessSpans = <T>(tracer: Tracer, group: string, records: readonly Decoded<T>[]): ProcessSpans<T> => {
  const open = new Map<string, Span>();
  const traced = records.map((record): Decoded<T> => {
    if (!record.ok) return record;
    const { value } = record;
    const parent = contextFromTraceparent(value.headers[headerNames.traceparent]);
    const span = startProcessSpan(tracer, { topic: value.topic, partition: value.partition, offset: value.offset, key: value.key, group, eventType: value.event.eventType }, parent);
    open.set(value.offset, span);
    const traceparent = traceparentOf(span);
    return traceparent === undefined ? record : { ok: true, value: { ...value, headers: { ...value.headers, [headerNames.traceparent]: traceparent } } };
  });
  return {
    records: traced,
    fail(offset, error) {
      const span = open.get(offset);
      if (!span) return;
      open.delete(offset);
      endSpan(span, error);
    },
    end(error) {
      for (const span of open.values()) endSpan(span, error);
      open.clear();
    },
  };
};
