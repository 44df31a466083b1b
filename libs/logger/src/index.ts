export { createLogger, traceFields, type Logger, type LoggerOptions, type LogLevel } from './logger.ts';
