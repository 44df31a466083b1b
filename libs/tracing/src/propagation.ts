import { context, ROOT_CONTEXT, trace, type Context, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const w3c = new W3CTraceContextPropagator();
const getter = { get: (carrier: Record<string, string>, key: string) => carrier[key], keys: (carrier: Record<string, string>) => Object.keys(carrier) };
const setter = { set: (carrier: Record<string, string>, key: string, value: string) => void (carrier[key] = value) };

/**
 * The context a W3C traceparent names. A missing or malformed one (wrong length, bad hex, all-zero
 * ids) gives a context without a parent, so the next span starts a new trace instead of failing.
 */
export const contextFromTraceparent = (traceparent: string | undefined, base: Context = ROOT_CONTEXT): Context =>
  traceparent === undefined ? base : w3c.extract(base, { traceparent }, getter);

/** The traceparent of a span, for the header of what it sends; none for a span with no valid context. */
export const traceparentOf = (span: Span): string | undefined => {
  const carrier: Record<string, string> = {};
  w3c.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, setter);
  return carrier['traceparent'];
};

/** Runs `work` with the span active, so spans and log lines made inside it belong to it. */
export const withSpan = <T>(span: Span, work: () => T): T => context.with(trace.setSpan(context.active(), span), work);

/** Runs `work` as part of the trace a record's traceparent names (nothing changes when it has none). */
export const withTraceparent = <T>(traceparent: string | undefined, work: () => T): T =>
  traceparent === undefined ? work() : context.with(contextFromTraceparent(traceparent, context.active()), work);
