import { errorCodes, TributaryError, type ErrorCode } from '@tributary/errors';
import type { OrderView } from '@tributary/order-views';

export const defaultQueryApiUrl = 'http://127.0.0.1:3001';

/** query-api's page size ceiling: larger lists take several requests. */
const pageLimit = 100;

interface OrderPage {
  orders: OrderView[];
  nextCursor: string | null;
}

const isOrderPage = (body: unknown): body is OrderPage =>
  typeof body === 'object' && body !== null && Array.isArray((body as OrderPage).orders) && ((body as OrderPage).nextCursor === null || typeof (body as OrderPage).nextCursor === 'string');

/** query-api answers errors as {"error": {"code", "message"}}, with a code from the one list. */
const answeredError = (body: unknown): { code: ErrorCode; message: string } | undefined => {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof error?.code !== 'string' || !(error.code in errorCodes) || typeof error.message !== 'string') return undefined;
  return { code: error.code as ErrorCode, message: error.message };
};

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, a DNS miss) is its cause. */
const reasonOf = (cause: unknown): string => {
  const inner = (cause as { cause?: unknown }).cause;
  return inner instanceof Error ? inner.message : (cause as Error).message;
};

const getJson = async (baseUrl: string, path: string, timeoutMs: number): Promise<unknown> => {
  let response: Response;
  try {
    response = await fetch(`${baseUrl.replace(/\/+$/, '')}${path}`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    if ((cause as Error).name === 'TimeoutError') throw new TributaryError('TIMEOUT', `query-api at ${baseUrl} did not answer within ${timeoutMs / 1000} s`, { cause });
    throw new TributaryError('SERVICE_UNAVAILABLE', `Cannot reach query-api at ${baseUrl} (${reasonOf(cause)}); start it (\`npx tributary start\`) or give its address with --query-url or QUERY_API_URL`, { cause });
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok) return body;
  const error = answeredError(body);
  throw new TributaryError(error?.code ?? 'SERVICE_UNAVAILABLE', `query-api at ${baseUrl} answered GET ${path} with ${response.status}: ${error?.message ?? response.statusText}`, {
    details: { status: response.status },
  });
};

export interface OpenOrdersRequest {
  /** Only orders placed before this time; without it, every open order, not-yet-placed ones too. */
  placedBefore?: Date | undefined;
  /** At most this many orders: the newest, as query-api lists them. */
  max: number;
  timeoutMs?: number;
}

/** The open orders query-api knows, newest first, following its cursors up to `max`; `more` when some were left. */
export const fetchOpenOrders = async (baseUrl: string, { placedBefore, max, timeoutMs = 10_000 }: OpenOrdersRequest): Promise<{ orders: OrderView[]; more: boolean }> => {
  const orders: OrderView[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ status: 'open', limit: String(Math.min(pageLimit, max - orders.length)) });
    if (placedBefore) query.set('placedBefore', placedBefore.toISOString());
    if (cursor) query.set('cursor', cursor);
    const body = await getJson(baseUrl, `/orders?${query.toString()}`, timeoutMs);
    if (!isOrderPage(body)) throw new TributaryError('SERVICE_UNAVAILABLE', `query-api at ${baseUrl} answered GET /orders with something that is not a page of orders; is that address query-api?`);
    orders.push(...body.orders);
    cursor = body.nextCursor;
  } while (cursor !== null && orders.length < max);
  return { orders, more: cursor !== null };
};
