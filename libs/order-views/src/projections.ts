import type { Projection } from '@tributary/store';
import { customerSummariesCollection, customerSummaryProjection } from './customer-summary.ts';
import type { OrderEvent } from './events.ts';
import { orderViewIndexes, type ReadModelIndex } from './indexes.ts';
import { orderViewProjection, orderViewsCollection } from './order-view.ts';

/** The topics the platform's streams travel on, as the services' settings name them. */
export interface StreamTopics {
  readonly ordersTopic: string;
  readonly inventoryTopic: string;
  readonly paymentsTopic: string;
}

/** A read model by name: where it is kept, what it is folded from, and the fold itself. */
export interface ProjectionDefinition {
  readonly name: string;
  /** Other names the projection answers to (the singular). */
  readonly aliases: readonly string[];
  /** The logical collection name readers and writers resolve through the alias. */
  readonly collection: string;
  sourceTopics(topics: StreamTopics): string[];
  readonly projection: Projection<unknown, OrderEvent>;
  readonly indexes: readonly ReadModelIndex[];
}

export const projections: readonly ProjectionDefinition[] = [
  {
    name: 'order-views',
    aliases: ['order-view'],
    collection: orderViewsCollection,
    // An order's events share its id as key across the three streams.
    sourceTopics: ({ ordersTopic, inventoryTopic, paymentsTopic }) => [ordersTopic, inventoryTopic, paymentsTopic],
    projection: orderViewProjection,
    indexes: orderViewIndexes,
  },
  {
    name: 'customer-summaries',
    aliases: ['customer-summary'],
    collection: customerSummariesCollection,
    sourceTopics: ({ ordersTopic }) => [ordersTopic],
    projection: customerSummaryProjection,
    indexes: [],
  },
];

/** Finds a projection by its name, its collection name, or its name in the singular (order-view). */
export const findProjection = (name: string): ProjectionDefinition | undefined =>
  projections.find((p) => p.name === name || p.collection === name || p.aliases.includes(name));
