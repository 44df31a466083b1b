import type { Tracer } from '@opentelemetry/api';
import { headerNames, sourceTopicOf, type ConsumedEvent } from '@tributary/kafka';
import type { Logger } from '@tributary/logger';
import { counter, histogram, type MetricsRegistry } from '@tributary/metrics';
import {
  customerSummariesCollection,
  customerSummaryProjection,
  isOrderViewEventType,
  orderViewIndexes,
  orderViewProjection,
  orderViewsCollection,
  type CustomerSummary,
  type OrderEvent,
  type OrderView,
} from '@tributary/order-views';
import { createAliasResolver, ensureCollection, openReadModel, type Projection, type ReadModel, type Store } from '@tributary/store';
import { noTracing, recordSpans } from '@tributary/tracing';
import { ensureIndexes } from './indexes.ts';

/**
 * Kafka position plus decoded payload: the shape the pure order projection folds. The codec decoded
 * the payload into the reader schema of its event type, so the type's shape is guaranteed by Avro.
 * A redriven event keeps its position in the retry topic: that is the stream it was delivered on,
 * and its original offset may sit below offsets of its topic the document applied after it was parked.
 */
const toOrderEvent = (consumed: ConsumedEvent<unknown>): Traced | undefined => {
  const { topic, partition, offset, event } = consumed;
  if (!isOrderViewEventType(event.eventType)) return undefined;
  return { event: { topic, partition, offset, eventType: event.eventType, payload: event.payload } as OrderEvent, traceparent: consumed.headers[headerNames.traceparent] };
};

/** An event to fold, with the trace of the record it came in, for the span of its write. */
interface Traced {
  event: OrderEvent;
  traceparent: string | undefined;
}

export interface ProjectionsOptions {
  db: Store['db'];
  metrics: MetricsRegistry;
  logger: Logger;
  /** Customer summaries count orders, so they fold only the orders stream (and its retry topic). */
  ordersTopic: string;
  /** The projector's consumer group, whose retry topics carry redriven events. */
  groupId: string;
  /** Each record's trace gets a span for the store write that applied it. */
  tracer?: Tracer;
}

/**
 * Makes sure the read models' collections and indexes exist, and returns the batch handler that
 * folds consumed events into both: the order view and the per-customer summary.
 */
export const openProjections = async ({ db, metrics, logger, ordersTopic, groupId, tracer = noTracing.tracer }: ProjectionsOptions) => {
  const applied = counter(metrics, 'projector_events_applied_total', 'Events applied to read models', ['projection']);
  const duplicates = counter(metrics, 'projector_events_duplicate_total', 'Redelivered events recognised and ignored', ['projection']);
  const applyDuration = histogram(metrics, 'projector_apply_duration_seconds', 'Time to fold and write one batch into a read model', ['projection']);

  /** A batch applier for one read model, its metrics labelled with the model's collection name. */
  const projectInto = <V>(readModel: ReadModel<V>, name: string, projection: Projection<V, OrderEvent>) => {
    return async (traced: readonly Traced[]): Promise<void> => {
      if (traced.length === 0) return;
      // The read model lets writers of one document take turns, so batches of different partitions stay safe.
      const end = applyDuration.startTimer({ projection: name });
      const start = Date.now();
      const stats = await readModel.apply(
        traced.map(({ event }) => event),
        projection,
      ).finally(end);
      const attributes = { 'db.system.name': 'mongodb', 'db.collection.name': name, 'db.operation.name': 'bulkWrite', 'db.operation.batch.size': traced.length };
      recordSpans(tracer, `write ${name}`, traced.map(({ traceparent }) => traceparent), { start, end: Date.now() }, attributes);
      applied.inc({ projection: name }, stats.applied);
      duplicates.inc({ projection: name }, stats.duplicates);
    };
  };

  // A replay switches a read model to its rebuilt copy through the alias; writes follow within its TTL.
  const resolveName = createAliasResolver(db);
  const projectOrderViews = projectInto(openReadModel<OrderView>(db, orderViewsCollection, { resolveName }), orderViewsCollection, orderViewProjection);
  const projectSummaries = projectInto(openReadModel<CustomerSummary>(db, customerSummariesCollection, { resolveName }), customerSummariesCollection, customerSummaryProjection);
  // Summaries are read by _id only; the order lists need their indexes.
  await ensureIndexes(db, await resolveName(orderViewsCollection), orderViewIndexes, logger);
  await ensureCollection(db, await resolveName(customerSummariesCollection));

  return async (events: readonly ConsumedEvent<unknown>[]): Promise<void> => {
    const orderEvents = events.map(toOrderEvent).filter((traced) => traced !== undefined);
    // Both writes settle before the batch fails, so a retry never races a write still in flight;
    // whichever model did write recognises the retried events by their positions.
    const results = await Promise.allSettled([projectOrderViews(orderEvents), projectSummaries(orderEvents.filter(({ event }) => sourceTopicOf(event.topic, groupId) === ordersTopic))]);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  };
};
