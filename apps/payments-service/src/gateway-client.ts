import { TributaryError } from '@tributary/errors';
import { traceHeaders } from '@tributary/tracing';
import { z } from 'zod';

export interface PaymentRequest {
  orderId: string;
  /** Decimal text, as in the events: "19.99". */
  amount: string;
  currency: string;
}

/** The gateway's business answer. A decline is an answer like an authorization, not an error. */
export type GatewayAnswer = { status: 'AUTHORIZED'; authorizationId: string } | { status: 'DECLINED'; reason: string };

export interface GatewayClient {
  /** Resolves with the answer; rejects with UPSTREAM_FAILED, UPSTREAM_REJECTED or TIMEOUT. */
  authorize(idempotencyKey: string, request: PaymentRequest): Promise<GatewayAnswer>;
  /** Takes a new timeout (settings reloaded at run time) for the calls that follow. */
  reconfigure(options: { timeoutMs: number }): void;
}

// Not strict: a gateway may add fields to its answers without breaking its callers.
const answerSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('AUTHORIZED'), authorizationId: z.string().min(1) }),
  z.object({ status: z.literal('DECLINED'), reason: z.string().min(1) }),
]);

const errorBodySchema = z.object({ error: z.object({ code: z.string().optional(), message: z.string().optional() }) });

const describeBody = (text: string): { code?: string; message?: string } => {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.error;
  } catch {
    // Not JSON: show the start of the text instead.
  }
  return { message: text.slice(0, 200) };
};

/**
 * A non-2xx answer as an error the classifier understands: the gateway's own trouble (5xx) and
 * "slow down" (429) are worth retrying and count against the breaker; any other 4xx says this
 * request is wrong, which no retry fixes, so the record is dead-lettered.
 */
export const errorForStatus = (status: number, body: string): TributaryError => {
  const { code, message } = describeBody(body);
  const details = { status, ...(code === undefined ? {} : { gatewayCode: code }) };
  const said = `payment gateway answered ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  if (status >= 400 && status < 500 && status !== 429) return new TributaryError('UPSTREAM_REJECTED', `The ${said}`, { details });
  return new TributaryError('UPSTREAM_FAILED', `The ${said}`, { details });
};

/** fetch rejects with a TimeoutError for AbortSignal.timeout and a TypeError ("fetch failed") whose cause names the socket error. */
export const errorForFetchFailure = (error: unknown, timeoutMs: number): TributaryError => {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new TributaryError('TIMEOUT', `The payment gateway did not answer within ${timeoutMs} ms`, { cause: error });
  }
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const reason = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
  return new TributaryError('UPSTREAM_FAILED', `Cannot reach the payment gateway: ${reason}`, { cause: error });
};

export const createGatewayClient = ({ baseUrl, timeoutMs: initialTimeoutMs }: { baseUrl: string; timeoutMs: number }): GatewayClient => {
  let timeoutMs = initialTimeoutMs;
  const url = new URL('payments', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
  return {
    reconfigure(options) {
      timeoutMs = options.timeoutMs;
    },
    async authorize(idempotencyKey, request) {
      let status: number;
      let body: string;
      try {
        // One deadline for the answer and its body, so a gateway stalling mid-body is a timeout too.
        const res = await fetch(url, {
          method: 'POST',
          // The call's trace context travels on, so the gateway's own spans join the order's trace.
          headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey, ...traceHeaders() },
          body: JSON.stringify(request),
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = res.status;
        body = await res.text();
      } catch (error) {
        throw errorForFetchFailure(error, timeoutMs);
      }
      if (status < 200 || status > 299) throw errorForStatus(status, body);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch (cause) {
        throw new TributaryError('UPSTREAM_FAILED', `The payment gateway answered ${status} with a body that is not JSON`, { cause });
      }
      const answer = answerSchema.safeParse(json);
      if (!answer.success) {
        throw new TributaryError('UPSTREAM_FAILED', `The payment gateway answered ${status} with neither an authorization nor a decline: ${body.slice(0, 200)}`);
      }
      return answer.data;
    },
  };
};
