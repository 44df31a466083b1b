import { TributaryError, isTributaryError } from '@tributary/errors';
import type { Logger } from '@tributary/logger';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { requestTrace } from './request-trace.ts';

export interface ErrorBody {
  error: { code: string; message: string; requestId?: string; details?: Record<string, unknown> };
}

/** Seconds a client is told to wait after a 503 that does not say otherwise (details.retryAfterSeconds). */
const defaultRetryAfterSeconds = 1;

export const sendError = (res: Response, error: TributaryError): void => {
  const body: ErrorBody = { error: { code: error.code, message: error.message, requestId: res.locals['requestId'] as string | undefined } };
  if (error.details) body.error.details = error.details;
  // A dependency is down for a while: tell clients when trying again is worth it, rather than at once.
  if (error.httpStatus === 503 && !res.hasHeader('retry-after')) {
    const seconds = error.details?.['retryAfterSeconds'];
    res.setHeader('Retry-After', String(typeof seconds === 'number' && seconds > 0 ? Math.ceil(seconds) : defaultRetryAfterSeconds));
  }
  res.status(error.httpStatus).json(body);
};

export const notFound = (): RequestHandler => (req, res) => {
  sendError(res, new TributaryError('NOT_FOUND', `No route for ${req.method} ${req.path}`));
};

/**
 * express's own errors: body-parser's carry a `type`, the router fails a path it cannot
 * percent-decode with a URIError. They are the client's mistake, answered as such.
 */
const fromExpress = (error: unknown): TributaryError | undefined => {
  if (error instanceof URIError) return new TributaryError('VALIDATION_FAILED', 'Path is invalid: it is not correctly percent-encoded', { cause: error });
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.parse.failed') return new TributaryError('BAD_REQUEST', 'Request body is not valid JSON', { cause: error });
  if (type === 'entity.too.large') return new TributaryError('PAYLOAD_TOO_LARGE', 'Request body is too large', { cause: error });
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new TributaryError('BAD_REQUEST', 'Request body encoding is not supported; send UTF-8 JSON', { cause: error });
  }
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) return new TributaryError('BAD_REQUEST', 'The request cannot be handled as sent; check the method, path and headers', { cause: error });
  return undefined;
};

/** Every error becomes a JSON answer with a code; unexpected ones are logged, never shown. */
export const errorHandler =
  (logger: Logger): ErrorRequestHandler =>
  (error: unknown, _req, res, _next) => {
    const known = isTributaryError(error) ? error : fromExpress(error);
    if (known) {
      if (known.httpStatus >= 500) logger.error(known.message, { code: known.code, requestId: res.locals['requestId'] as unknown, ...requestTrace(res).logFields() });
      sendError(res, known);
      return;
    }
    logger.error('unexpected error while handling a request', {
      requestId: res.locals['requestId'] as unknown,
      error: error instanceof Error ? { message: error.message, stack: error.stack } : String(error),
      ...requestTrace(res).logFields(),
    });
    sendError(res, new TributaryError('INTERNAL', 'Internal error; the request id in this answer finds it in the logs'));
  };
