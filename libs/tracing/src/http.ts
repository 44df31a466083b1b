import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { contextFromTraceparent } from './propagation.ts';

interface ServerRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  route?: { path?: unknown };
}
interface ServerResponse {
  statusCode: number;
  locals: Record<string, unknown>;
  once(event: 'close', listener: () => void): unknown;
}

const spanLocal = 'tributary.span';

/**
 * The request's SERVER span, for handlers that name the order on it or hand its context on to
 * what they publish. Unlike the active span, it is there after any `await`, whether or not the
 * process tracks async context.
 */
export const requestSpan = (res: { locals: Record<string, unknown> }): Span | undefined => res.locals[spanLocal] as Span | undefined;

/**
 * An express middleware that makes each request a SERVER span, a child of the caller's
 * `traceparent` when it sends a valid one and the root of a new trace otherwise. The span is named
 * after the route once routing has matched it (`POST /orders/:id/cancel`), so ids do not multiply names.
 * The span is active for the rest of the request where the process tracks async context, and is
 * always at `requestSpan(res)`.
 */
export const httpServerSpans =
  (tracer: Tracer) =>
  (req: ServerRequest, res: ServerResponse, next: () => void): void => {
    const header = req.headers['traceparent'];
    const parent = contextFromTraceparent(typeof header === 'string' ? header : undefined);
    const span = tracer.startSpan(`${req.method} ${req.path}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } }, parent);
    res.locals[spanLocal] = span;
    // 'close' follows 'finish' on every response and also ends one whose client went away: one listener serves both.
    res.once('close', () => {
      const route = typeof req.route?.path === 'string' ? req.route.path : undefined;
      if (route) span.updateName(`${req.method} ${route}`).setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };

/**
 * Runs an outbound call as a CLIENT span, a child of the active span; inside it, `traceHeaders()`
 * gives the headers that carry the span's context to the server.
 */
export const withClientSpan = async <T>(tracer: Tracer, name: string, attributes: Attributes, call: () => Promise<T>): Promise<T> => {
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, context.active());
  try {
    return await context.with(trace.setSpan(context.active(), span), call);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
};

/** The W3C trace headers of the active span, for an outbound request; none outside a span. */
export const traceHeaders = (): Record<string, string> => {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
};
