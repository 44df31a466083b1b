import { withTraceparent } from '@tributary/tracing';
import pMap from 'p-map';
import { headerNames } from './envelope.ts';
import type { ConsumedEvent } from './runner/stage.ts';

/**
 * Records grouped by key, each group in consumption order. Events of one aggregate share its key
 * (an order's id on every stream), so groups are independent of each other; a record without a
 * key is a group of its own.
 */
export const groupByKey = <T>(events: readonly ConsumedEvent<T>[]): ConsumedEvent<T>[][] => {
  const groups = new Map<string, ConsumedEvent<T>[]>();
  for (const consumed of events) {
    const key = consumed.key ?? `${consumed.topic}:${consumed.partition}:${consumed.offset}`;
    const group = groups.get(key);
    if (group) group.push(consumed);
    else groups.set(key, [consumed]);
  }
  return [...groups.values()];
};

/**
 * Handles a batch key by key: one key's records strictly in order, up to `concurrency` keys at a
 * time, and returns everything the handler produced, grouped in the order keys first appeared.
 */
export const handlePerKey = async <T, R>(events: readonly ConsumedEvent<T>[], concurrency: number, handle: (consumed: ConsumedEvent<T>) => Promise<readonly R[]>): Promise<R[]> => {
  const perKey = await pMap(
    groupByKey(events),
    async (group) => {
      const results: R[] = [];
      // Each record is handled in its own trace: spans and log lines made for it join its order's trace.
      for (const consumed of group) results.push(...(await withTraceparent(consumed.headers[headerNames.traceparent], () => handle(consumed))));
      return results;
    },
    { concurrency },
  );
  return perKey.flat();
};
