import { setTimeout as sleep } from 'node:timers/promises';
import { headerNames } from '@tributary/kafka';
import { testKafka, uniqueName } from '../support.ts';

export interface EventCount {
  /** Committed records read. */
  records: number;
  /** Event ids carried by more than one committed record, with where each of those records is. */
  twice: Map<string, string[]>;
}

/**
 * Reads the topics from the start as a read_committed consumer does (aborted transactions left
 * out) and counts each event-id header. Every service derives its events' ids from their cause,
 * so an event emitted again after a retry, a fenced producer or a leader move carries the same id:
 * an id seen twice is an event emitted twice. Reads until no record came for `idleMs`.
 */
export const countEventIds = async (topics: readonly string[], idleMs = 4_000, timeoutMs = 90_000): Promise<EventCount> => {
  // By position: a record read again after the reader's own rebalance is the same record.
  const seen = new Map<string, Set<string>>();
  let records = 0;
  let lastRecordAt = Date.now();
  const consumer = testKafka().consumer({ groupId: uniqueName('event-ids'), readUncommitted: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        lastRecordAt = Date.now();
        records += 1;
        const id = message.headers?.[headerNames.eventId]?.toString();
        const type = message.headers?.[headerNames.eventType]?.toString() ?? '?';
        if (id) seen.set(id, (seen.get(id) ?? new Set()).add(`${topic}[${partition}]@${message.offset} ${type}`));
        return Promise.resolve();
      },
    });
    const started = Date.now();
    while (Date.now() - lastRecordAt < idleMs && Date.now() - started < timeoutMs) await sleep(500);
    // The group may take a moment to join before the first record: wait for records at all.
    while (records === 0 && Date.now() - started < timeoutMs) await sleep(500);
    while (Date.now() - lastRecordAt < idleMs && Date.now() - started < timeoutMs) await sleep(500);
  } finally {
    await consumer.disconnect();
  }
  return { records, twice: new Map([...seen].filter(([, places]) => places.size > 1).map(([id, places]) => [id, [...places]])) };
};
