import { createHash } from 'node:crypto';
import { bookkeepingFields } from '@tributary/store';

const ignored = new Set<string>(['_id', ...bookkeepingFields]);

/**
 * A stable text form of a value: object keys sorted, dates as ISO text, other driver types (such
 * as Decimal128 or ObjectId) by their string form. Two copies with the same content give the same
 * text whatever order their fields were written in.
 */
export const canonical = (value: unknown): string => {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify({ $date: value.toISOString() });
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return JSON.stringify((value as { toString(): string }).toString());
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
};

/** The document's content without its id and the store's write bookkeeping. */
export const contentOf = (document: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(document).filter(([key]) => !ignored.has(key)));

export const documentHash = (document: Record<string, unknown>): string => createHash('sha256').update(canonical(contentOf(document))).digest('hex');

/** One hash over every document, in id order, so two copies compare with one value. */
export const overallHash = (hashes: ReadonlyMap<string, string>): string => {
  const hash = createHash('sha256');
  for (const id of [...hashes.keys()].sort()) hash.update(`${id}\t${hashes.get(id)}\n`);
  return hash.digest('hex');
};

/** The top-level fields whose content differs, for a short description of a difference. */
export const differingFields = (a: Record<string, unknown>, b: Record<string, unknown>): string[] => {
  const left = contentOf(a);
  const right = contentOf(b);
  return [...new Set([...Object.keys(left), ...Object.keys(right)])].filter((key) => canonical(left[key]) !== canonical(right[key])).sort();
};
