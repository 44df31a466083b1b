import type { AvroCodec } from '@tributary/avro';
import { backboneSettings, loadSettings, topicSettings } from '@tributary/config';
import { orderProjectorSettings } from '@tributary/order-projector/settings';
import { findProjection, projections, type ProjectionDefinition } from '@tributary/order-views';
import { withRetryTopics } from '@tributary/kafka';
import { connectStore, type Store } from '@tributary/store';
import type { Admin, Kafka } from 'kafkajs';
import type { Io } from '../command.ts';
import { connectFromEnvironment } from '../events/backbone.ts';
import { usageError } from '../usage-error.ts';

/** Everything a replay or a verification works with: the projection, its topics, Kafka and the store. */
export interface ProjectionContext {
  readonly definition: ProjectionDefinition;
  /** The source topics, then the live projector's retry topics of them. */
  readonly topics: readonly string[];
  /** The live projector's consumer group: the positions a rebuilt copy catches up with. */
  readonly liveGroup: string;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly codec: AvroCodec;
  readonly store: Store;
}

export const environmentHelp = [
  'Environment (the same settings as the order projector):',
  '  KAFKA_BROKERS, SCHEMA_REGISTRY_URL, KAFKA_TLS*, KAFKA_SASL*   the backbone',
  '  MONGODB_URI, MONGODB_DATABASE        the store holding the read models',
  '  ORDERS_TOPIC, INVENTORY_TOPIC, PAYMENTS_TOPIC                  the source topics',
  '  ORDER_PROJECTOR_GROUP                the live projector\'s consumer group (default order-projector)',
].join('\n');

export const projectionNames = projections.map((p) => p.name).join(', ');

export const chooseProjection = (name: string | undefined, usage: string): ProjectionDefinition => {
  if (name === undefined) throw usageError(`name a projection (${projectionNames}): ${usage}`);
  const definition = findProjection(name);
  if (!definition) throw usageError(`unknown projection ${JSON.stringify(name)}: choose one of ${projectionNames}`);
  return definition;
};

/**
 * The projection's source topics, and the live projector's retry topics of them that exist. A
 * redriven record is a copy of one its source still holds: folding both changes nothing (the
 * projections fold facts), and one that only ever reached the read model through a redrive is
 * still in the rebuild.
 */
const projectionTopics = async (admin: Admin, sources: readonly string[], liveGroup: string): Promise<string[]> => {
  const existing = new Set(await admin.listTopics());
  return withRetryTopics(sources, liveGroup).filter((topic) => sources.includes(topic) || existing.has(topic));
};

export const withProjectionContext = async <T>(io: Io, definition: ProjectionDefinition, clientId: string, action: (context: ProjectionContext) => Promise<T>): Promise<T> => {
  const settings = loadSettings(
    {
      ...topicSettings,
      mongoUri: backboneSettings.mongoUri,
      mongoDatabase: backboneSettings.mongoDatabase,
      mongoTimeoutMs: backboneSettings.mongoTimeoutMs,
      liveGroup: orderProjectorSettings.groupId,
    },
    io.env,
  );
  const { kafka, codec } = connectFromEnvironment(io.env, clientId);
  const store = await connectStore({ uri: settings.mongoUri, database: settings.mongoDatabase, serverSelectionTimeoutMs: settings.mongoTimeoutMs });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const topics = await projectionTopics(admin, definition.sourceTopics(settings), settings.liveGroup);
    return await action({ definition, topics, liveGroup: settings.liveGroup, kafka, admin, codec, store });
  } finally {
    await admin.disconnect();
    await store.close();
  }
};
