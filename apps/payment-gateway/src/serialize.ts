/**
 * Runs tasks one at a time per key and concurrently across keys: two requests with the same
 * idempotency key cannot both see "not yet answered" and charge twice.
 */
export const createKeyedSerializer = () => {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const run = (tails.get(key) ?? Promise.resolve()).then(task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    // Forget the key once its last task is done, so the map holds only keys in flight.
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
};
