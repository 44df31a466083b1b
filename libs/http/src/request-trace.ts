import type { AttributeValue } from '@opentelemetry/api';
import { traceFields } from '@tributary/logger';
import { requestSpan, traceparentOf } from '@tributary/tracing';

interface WithLocals {
  locals: Record<string, unknown>;
}

/**
 * The request's span as a handler uses it, read from the response rather than the active context:
 * it holds after any `await`, also in a service that does not track async context (see
 * `asyncContext` in libs/tracing). Without tracing every part is a no-op.
 */
export const requestTrace = (res: WithLocals) => {
  const span = requestSpan(res);
  return {
    /** Names something on the request's span, such as the order id `tributary trace` finds it by. */
    setAttribute(key: string, value: AttributeValue): void {
      span?.setAttribute(key, value);
    },
    /** The traceparent for what the request publishes, so its publish spans are the request's children. */
    traceparent(): string | undefined {
      return span && traceparentOf(span);
    },
    /** Fields that join a log line to the request's span. */
    logFields(): ReturnType<typeof traceFields> {
      return traceFields(span?.spanContext());
    },
  };
};
