import { isTributaryError } from '@tributary/errors';
import type { OrderEvent, ProjectionDefinition } from '@tributary/order-views';
import { openReadModel, type Projection } from '@tributary/store';
import type { Db } from 'mongodb';
import type { Offsets } from './offsets.ts';
import { partitionKey } from './offsets.ts';

/**
 * Events before these offsets are folded only into the listed documents: the ones a replay from a
 * later start re-derives from their whole history, while the others were copied as they were.
 */
export interface HistoryFilter {
  readonly before: Offsets;
  readonly documents: ReadonlySet<string>;
}

const filtered = (projection: Projection<unknown, OrderEvent>, filter: HistoryFilter | undefined): Projection<unknown, OrderEvent> => {
  if (!filter) return projection;
  return {
    evolve: (view, event) => projection.evolve(view, event),
    documentId(event) {
      const id = projection.documentId(event);
      if (id === undefined) return undefined;
      const start = filter.before.get(partitionKey(event.topic, event.partition)) ?? 0n;
      return BigInt(event.offset) >= start || filter.documents.has(id) ? id : undefined;
    },
  };
};

export interface Folder {
  fold(events: OrderEvent[]): Promise<number>;
  /** The document an event folds into; undefined when the projection (or the history filter) leaves it out. */
  documentOf(event: OrderEvent): string | undefined;
  /** Events the projection threw on: left out of the copy, as the live projector would dead-letter them. */
  rejected(): number;
}

/**
 * Folds batches into a collection in bulk; the read model's cache saves reading back what it wrote.
 * The cache holds about as many documents as the write-behind buffer holds events: a document whose
 * last events come after it was written is then replaced at its cached version, not inserted, met
 * as existing and read back. Bounded, so a replay's memory stops growing early in a long topic.
 */
export const createFolder = (db: Db, collection: string, definition: ProjectionDefinition, filter?: HistoryFilter): Folder => {
  const readModel = openReadModel<unknown>(db, collection, { cacheSize: 30_000 });
  const projection = filtered(definition.projection, filter);
  let rejected = 0;
  return {
    rejected: () => rejected,
    documentOf: (event) => projection.documentId(event),
    async fold(events) {
      try {
        return (await readModel.apply(events, projection)).applied;
      } catch (error) {
        if (isTributaryError(error) && error.code === 'STORE_UNAVAILABLE') throw error;
        // One event the fold throws on must not stop the replay: fold one by one and leave it out.
        let applied = 0;
        for (const event of events) {
          try {
            applied += (await readModel.apply([event], projection)).applied;
          } catch (single) {
            if (isTributaryError(single) && single.code === 'STORE_UNAVAILABLE') throw single;
            rejected += 1;
          }
        }
        return applied;
      }
    },
  };
};
