import { context, isSpanContextValid, trace, type SpanContext } from '@opentelemetry/api';
import winston from 'winston';
import { redactField } from './redact.ts';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LoggerOptions {
  service: string;
  level?: LogLevel;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  stream?: NodeJS.WritableStream;
}

export type Logger = winston.Logger;

/** Masks secrets in every field of a line, including the message, after errors are expanded. */
const redactSecrets = winston.format((info) => {
  for (const key of Object.keys(info)) info[key] = redactField(key, info[key]);
  return info;
});

/** The fields that join a log line to a span, under the names log backends join traces on; none for no valid span. */
export const traceFields = (spanContext: SpanContext | undefined): { trace_id?: string; span_id?: string } =>
  spanContext && isSpanContextValid(spanContext) ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};

/**
 * A line logged inside a span carries its ids. Read from the active context, so nothing has to hand
 * the span to the logger; a line that names its span itself (`traceFields`) keeps those.
 */
const traceIds = winston.format((info) => {
  if (info['trace_id'] !== undefined) return info;
  return Object.assign(info, traceFields(trace.getSpan(context.active())?.spanContext()));
});

/**
 * JSON lines with timestamp, level, service and message; `logger.child({ correlationId })`
 * adds the correlation id to every line logged while handling one request or event.
 */
export const createLogger = ({ service, level = 'info', stream }: LoggerOptions): Logger =>
  winston.createLogger({
    level,
    defaultMeta: { service },
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.errors({ stack: false }),
      redactSecrets(),
      // After redaction: trace and span ids are hex, and scanning them for secrets costs every traced line.
      traceIds(),
      winston.format.json(),
    ),
    transports: [stream ? new winston.transports.Stream({ stream }) : new winston.transports.Console()],
  });
