/**
 * Gathers the events of batches that arrive together (one fetch hands out every partition's batch at
 * once) into one fold. A document's events on the orders, inventory and payments topics then cost
 * one write instead of one per topic, which is where a rebuild gains on the live projector. Each
 * caller waits until its own events are written, so the consumer commits nothing unwritten.
 */
export interface Coalescer<E> {
  add(events: readonly E[]): Promise<void>;
}

export interface CoalescerOptions<E> {
  readonly fold: (events: E[]) => Promise<void>;
  /** A window this large is folded at once. */
  readonly maxEvents: number;
  /** How long the first events of a window wait for batches arriving with them. */
  readonly lingerMs: number;
}

interface Window<E> {
  readonly events: E[];
  readonly done: Promise<void>;
  close(): void;
}

export const createCoalescer = <E>({ fold, maxEvents, lingerMs }: CoalescerOptions<E>): Coalescer<E> => {
  let open: Window<E> | undefined;
  // Windows are folded one after another: the next one fills while the previous one is written.
  let previous: Promise<unknown> = Promise.resolve();

  const openWindow = (): Window<E> => {
    const events: E[] = [];
    let close!: () => void;
    const closed = new Promise<void>((resolve) => {
      close = resolve;
    });
    const timer = setTimeout(() => close(), lingerMs);
    const done = closed.then(() => {
      clearTimeout(timer);
      if (open?.events === events) open = undefined;
      const written = previous.catch(() => undefined).then(() => fold(events));
      previous = written;
      return written;
    });
    return { events, done, close };
  };

  return {
    add(events) {
      if (events.length === 0) return Promise.resolve();
      open ??= openWindow();
      const window = open;
      window.events.push(...events);
      if (window.events.length >= maxEvents) {
        open = undefined;
        window.close();
      }
      return window.done;
    },
  };
};
