import { TributaryError } from '@tributary/errors';

/** How a bounded call ended: with its value, or still running when the time was up. */
export type Bounded<T> = { settled: true; value: T } | { settled: false; pending: Promise<T> };

/**
 * Waits for `work` at most `timeoutMs`. A failure within the time is thrown as it is; past the
 * time the caller gets the promise still running, since a send already handed to Kafka cannot be
 * called back and may yet be written.
 */
export const within = async <T>(work: Promise<T>, timeoutMs: number): Promise<Bounded<T>> => {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), timeoutMs);
  });
  try {
    const first = await Promise.race([work.then((value) => ({ value })), expired]);
    if (first === 'expired') {
      // Whatever the late outcome, it must not become an unhandled rejection.
      work.catch(() => undefined);
      return { settled: false, pending: work };
    }
    return { settled: true, value: first.value };
  } finally {
    clearTimeout(timer);
  }
};

/** Seconds a client should wait before trying again while Kafka does not confirm sends. */
export const retryAfterSeconds = 2;

/** The errors made by `unconfirmed`, told apart from other Kafka failures for the timeouts metric. */
const timedOut = new WeakSet<Error>();

/** The answer to a command whose event Kafka did not confirm in time: 503, worth retrying. */
export const unconfirmed = (message: string, details: Record<string, unknown>): TributaryError => {
  const error = new TributaryError('KAFKA_UNAVAILABLE', message, { details: { ...details, retryAfterSeconds } });
  timedOut.add(error);
  return error;
};

/** True for an error `unconfirmed` made: the publish timed out, rather than failed. */
export const isUnconfirmed = (error: unknown): boolean => error instanceof Error && timedOut.has(error);
