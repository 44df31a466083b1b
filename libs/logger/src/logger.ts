import winston from 'winston';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LoggerOptions {
  service: string;
  level?: LogLevel;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  stream?: NodeJS.WritableStream;
}

export type Logger = winston.Logger;

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
      winston.format.json(),
    ),
    transports: [stream ? new winston.transports.Stream({ stream }) : new winston.transports.Console()],
  });
