import { finalOrderStatuses, orderStatuses } from '@tributary/order-views';
import { z } from 'zod';
import { decodeCursor, type PageKey } from './cursor.ts';
import { idOf } from './ids.ts';

export const orderPath = z.strictObject({ id: idOf('an order') });
export const customerPath = z.strictObject({ id: idOf('a customer') });

/**
 * Query values must arrive as one plain string each. A repeated parameter arrives as an array and
 * a bracketed one (a[b]=c) as its own key, so neither can smuggle an object to the store.
 */
const notSingle = (issue: { input?: unknown }): string | undefined => (issue.input === undefined ? 'is required' : typeof issue.input === 'string' ? undefined : 'must be given once, as plain text');
const single = z.string({ error: notSingle });

// Each check is one JSON Schema can say too, so the OpenAPI document describes exactly what is accepted.
const limit = single
  .regex(/^([1-9][0-9]?|100)$/, 'must be a whole number from 1 to 100')
  .transform(Number)
  .default(20);

const cursor = single.transform((text, ctx): PageKey => {
  const key = decodeCursor(text);
  if (key) return key;
  ctx.addIssue({ code: 'custom', message: 'is not a cursor this API issued: pass nextCursor from the previous page unchanged', input: text });
  return z.NEVER;
});

const page = { limit, cursor: cursor.optional() };

/**
 * A query taking exactly these parameters. Each unknown one is named in the answer: a typo, or a
 * bracketed key (status[$gt]) that another parser would have turned into an operator object. A
 * strict object, so its JSON Schema (the OpenAPI document's parameters) lists the same parameters.
 */
const onlyParameters = <T extends z.ZodRawShape>(shape: T) => {
  const known = Object.keys(shape);
  const message = known.length > 0 ? `is not a parameter of this query (it takes ${known.join(', ')})` : 'is not a parameter: this query takes none';
  return z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? message : undefined) });
};

export const noQuery = onlyParameters({});

export const customerOrdersQuery = onlyParameters(page);

/** Names every status that is not final, so one query finds the orders still in flight. */
export const openStatus = 'open';

const status = z.enum([...orderStatuses, openStatus], {
  error: (issue) => notSingle(issue) ?? `must be one of ${orderStatuses.join(', ')}, or ${openStatus} (any status but ${finalOrderStatuses.join(', ')})`,
});

/*
 * A time with its zone (Z or +02:00): without one it would mean a different moment on every
 * server. It is compared with placement times as the projector writes them, Date.toISOString()
 * text, so it is brought to that form (to the millisecond).
 */
const placedBefore = z.iso
  .datetime({ offset: true, error: (issue) => notSingle(issue) ?? 'must be an ISO-8601 time with a zone, such as 2026-05-01T09:00:00Z' })
  .transform((text) => new Date(text).toISOString());

export const ordersByStatusQuery = onlyParameters({ status, placedBefore: placedBefore.optional(), ...page });

export type OrdersByStatus = Pick<z.output<typeof ordersByStatusQuery>, 'status' | 'placedBefore'>;

export type PageRequest = { limit: number; cursor?: PageKey | undefined };
