import { context, isSpanContextValid, ROOT_CONTEXT, trace, TraceFlags, type Context, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const w3c = new W3CTraceContextPropagator();
const getter = { get: (carrier: Record<string, string>, key: string) => carrier[key], keys: (carrier: Record<string, string>) => Object.keys(carrier) };

/**
 * Spans whose traceparent this process wrote lately. What a span's traceparent is written for is
 * mostly read back in the same process a moment later (a request's span handed to what it
 * publishes, a process span to its handler's output, a record's write span): that reading then
 * takes the span itself instead of parsing the text again.
 */
const written = new Map<string, Span>();
const writtenKept = 256;

/**
 * The context a W3C traceparent names. A missing or malformed one (wrong length, bad hex, all-zero
 * ids) gives a context without a parent, so the next span starts a new trace instead of failing.
 */
export const contextFromTraceparent = (traceparent: string | undefined, base: Context = ROOT_CONTEXT): Context => {
  if (traceparent === undefined) return base;
  const span = written.get(traceparent);
  return span ? trace.setSpan(base, span) : w3c.extract(base, { traceparent }, getter);
};

/** The traceparent of a span, for the header of what it sends; none for a span with no valid context. */
export const traceparentOf = (span: Span): string | undefined => {
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return undefined;
  // The form W3CTraceContextPropagator writes: version 00, the ids, and the flags as two hex digits.
  const traceparent = `00-${spanContext.traceId}-${spanContext.spanId}-0${Number(spanContext.traceFlags || TraceFlags.NONE).toString(16)}`;
  written.delete(traceparent);
  written.set(traceparent, span);
  // A Map keeps insertion order: the first key is the oldest.
  if (written.size > writtenKept) written.delete(written.keys().next().value as string);
  return traceparent;
};

/** Runs `work` with the span active, so spans and log lines made inside it belong to it. */
export const withSpan = <T>(span: Span, work: () => T): T => context.with(trace.setSpan(context.active(), span), work);

/** Runs `work` as part of the trace a record's traceparent names (nothing changes when it has none). */
export const withTraceparent = <T>(traceparent: string | undefined, work: () => T): T =>
  traceparent === undefined ? work() : context.with(contextFromTraceparent(traceparent, context.active()), work);
