import { z } from 'zod';
import { idPattern } from './ids.ts';

/** Where a page ended: the list's sort key (placement time, then order id) of its last row. */
export interface PageKey {
  readonly placedAt: string | null;
  readonly orderId: string;
}

/*
 * A cursor is base64url (no padding) of the JSON array [placedAt, orderId]. It is opaque to
 * clients; the server accepts only the exact text it would issue for a well-formed key.
 */
export const encodeCursor = (key: PageKey): string => Buffer.from(JSON.stringify([key.placedAt, key.orderId]), 'utf8').toString('base64url');

const base64url = /^[A-Za-z0-9_-]{1,400}$/;
const keyShape = z.tuple([z.iso.datetime().nullable(), z.string().regex(idPattern)]);

/** The key a cursor carries, or undefined for anything this API did not issue. */
export const decodeCursor = (text: string): PageKey | undefined => {
  if (!base64url.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const shaped = keyShape.safeParse(parsed);
  if (!shaped.success) return undefined;
  const key = { placedAt: shaped.data[0], orderId: shaped.data[1] };
  // Another spelling of a valid key (padding, whitespace, extra bits) was not issued here.
  return encodeCursor(key) === text ? key : undefined;
};

/**
 * The rows after a key in newest-first order. A missing placement time (an order whose OrderPlaced
 * has not been projected yet) sorts after every time in MongoDB's descending order, and a range
 * such as $lt never matches null, so those rows need their own branch.
 */
export const afterKey = (key: PageKey): Record<string, unknown> =>
  key.placedAt === null
    ? { placedAt: null, orderId: { $lt: key.orderId } }
    : { $or: [{ placedAt: { $lt: key.placedAt } }, { placedAt: key.placedAt, orderId: { $lt: key.orderId } }, { placedAt: null }] };
