export type AllOrErrors<R> = { ok: true; values: R[] } | { ok: false; errors: unknown[] };

/**
 * Maps items with at most `limit` calls in flight: every value in the items' order, or the errors.
 * After the first failure no new call starts (the caller retries the whole set anyway); calls
 * already running are awaited, so none is left running behind the caller's back.
 */
export const mapBounded = async <T, R>(items: readonly T[], limit: number, call: (item: T) => Promise<R>): Promise<AllOrErrors<R>> => {
  const values: R[] = new Array<R>(items.length);
  const errors: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (errors.length === 0 && next < items.length) {
      const index = next;
      next += 1;
      try {
        values[index] = await call(items[index] as T);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return errors.length === 0 ? { ok: true, values } : { ok: false, errors };
};
