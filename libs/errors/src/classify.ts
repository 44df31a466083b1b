import { isTributaryError } from './tributary-error.ts';

/**
 * What to do with a failure while handling a record:
 * - retry: transient (store, broker or registry unavailable, a timeout); the same record will work later;
 * - deadLetter: the record itself is bad or cannot be handled; park it and move the partition on;
 * - skip: the record is deliberately not for this handler; commit past it.
 * The circuit breakers use the same decision: only what would be retried counts against them.
 */
export type Disposition = 'retry' | 'deadLetter' | 'skip';

const skipped = new Set(['EVENT_NOT_APPLICABLE']);

/** Error names of drivers whose failures are transient by nature (the connection, not the data). */
const transientNames = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'KafkaJSConnectionError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
]);

export const classify = (error: unknown): Disposition => {
  if (isTributaryError(error)) {
    if (skipped.has(error.code)) return 'skip';
    return error.retryable ? 'retry' : 'deadLetter';
  }
  if (error instanceof Error) {
    if (transientNames.has(error.name)) return 'retry';
    if ((error as { retriable?: unknown }).retriable === true) return 'retry';
    if ((error as { code?: unknown }).code === 'ECONNREFUSED' || (error as { code?: unknown }).code === 'ETIMEDOUT') return 'retry';
  }
  // Anything else is a bug or bad data in this record: parking it keeps the partition moving.
  return 'deadLetter';
};
