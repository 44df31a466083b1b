/**
 * Turns for writers of the same documents within this process. The read models' writes are
 * compare-and-set, but FerretDB 1.x does not apply a filtered replace atomically: concurrent
 * writes at one version can all match, and the last one silently wins. Partitions are handled
 * concurrently and one document takes events from several of them (a customer's orders, an
 * order's three streams), so a batch waits for earlier batches that touch any of its documents.
 * Batches touching different documents still run in parallel.
 */
export const documentLocks = () => {
  const tails = new Map<string, Promise<void>>();
  return async <T>(ids: Iterable<string>, work: () => Promise<T>): Promise<T> => {
    let release = (): void => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const unique = [...new Set(ids)];
    // Queued in one synchronous step: a batch waits only for batches queued before it, so no cycle can form.
    const earlier = unique.flatMap((id) => tails.get(id) ?? []);
    for (const id of unique) tails.set(id, mine);
    try {
      await Promise.all(earlier);
      return await work();
    } finally {
      release();
      for (const id of unique) if (tails.get(id) === mine) tails.delete(id);
    }
  };
};

export type DocumentLocks = ReturnType<typeof documentLocks>;
