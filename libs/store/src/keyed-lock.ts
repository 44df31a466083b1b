/**
 * Runs work while holding a set of keys, one holder per key at a time, in this process. A caller
 * takes its place behind the current holders of all its keys in one synchronous step, so waits
 * always point at earlier callers and can never form a cycle.
 */
export const createKeyedLock = () => {
  const tails = new Map<string, Promise<void>>();
  return async <T>(keys: Iterable<string>, work: () => Promise<T>): Promise<T> => {
    const held = [...new Set(keys)];
    let release = (): void => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const before = held.flatMap((key) => tails.get(key) ?? []);
    for (const key of held) tails.set(key, mine);
    await Promise.all(before);
    try {
      return await work();
    } finally {
      release();
      for (const key of held) if (tails.get(key) === mine) tails.delete(key);
    }
  };
};
