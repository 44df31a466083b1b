/**
 * Runs the tasks given for one key one after another, in call order, and tasks for different keys
 * at once. Keys with nothing queued are forgotten, so the map holds only keys in use.
 */
export const oneAtATimePerKey = () => {
  const tails = new Map<string, Promise<unknown>>();
  return async <R>(key: string, task: () => Promise<R>): Promise<R> => {
    const run = (tails.get(key) ?? Promise.resolve()).then(task);
    // The next task waits for this one to settle, whatever its outcome.
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
};
