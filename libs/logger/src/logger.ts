import { context, isSpanContextValid, trace } from '@opentelemetry/api';
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

/**
 * A line logged inside a span carries its ids, under the field names log backends join traces on.
 * Read from the active context, so nothing has to hand the span to the logger.
 */
const traceIds = winston.format((info) => {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  if (spanContext && isSpanContextValid(spanContext)) {
    info['trace_id'] = spanContext.traceId;
    info['span_id'] = spanContext.spanId;
  }
  return info;
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
