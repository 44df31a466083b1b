import { errorCodes, type ErrorCode } from './codes.ts';

export interface TributaryErrorOptions {
  cause?: unknown;
  /** Structured facts for logs and API answers (field errors, topic and offset, ...). */
  details?: Record<string, unknown>;
}

/** An error with a code from the one list, a message a user can act on, and its cause. */
export class TributaryError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: TributaryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TributaryError';
    this.code = code;
    this.details = options.details;
  }

  get retryable(): boolean {
    return errorCodes[this.code].retryable;
  }

  get httpStatus(): number {
    return errorCodes[this.code].httpStatus;
  }
}

export const isTributaryError = (error: unknown): error is TributaryError =>
  error instanceof TributaryError;

/** Which dependency a driver's error speaks of, from its class name, so the code says where to look. */
const codeByDriver = (error: unknown): ErrorCode | undefined => {
  const name = error instanceof Error ? error.name : '';
  if (/^KafkaJS(ConnectionError|ConnectionClosedError|RequestTimeoutError|NumberOfRetriesExceeded|BrokerNotFound)$/.test(name)) return 'KAFKA_UNAVAILABLE';
  if (/^Mongo(Network|NetworkTimeout|ServerSelection|NotConnected|TopologyClosed)Error$/.test(name)) return 'STORE_UNAVAILABLE';
  return undefined;
};

/** Wraps anything thrown into a TributaryError, keeping the original as the cause. */
export const toTributaryError = (error: unknown, fallback: ErrorCode = 'INTERNAL'): TributaryError => {
  if (isTributaryError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = codeByDriver(error);
  if (code === 'KAFKA_UNAVAILABLE') return new TributaryError(code, `Kafka: ${message}`, { cause: error });
  if (code === 'STORE_UNAVAILABLE') return new TributaryError(code, `Store: ${message}`, { cause: error });
  return new TributaryError(fallback, message, { cause: error });
};
