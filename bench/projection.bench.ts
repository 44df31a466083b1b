import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { createEventProducer, createKafkaClient, ensureTopics, eventTopic } from '@tributary/kafka';
import { createLogger } from '@tributary/logger';
import { evolveOrderView, orderViewsCollection, type OrderPlaced } from '@tributary/order-views';
import { MongoClient, type Db } from 'mongodb';
import { freshName, runCeiling, runDecodeOnly, runNaive, runProjector, type BenchTopic, type RunResult, type StoredView } from './projection-contenders.ts';
import { formatProjectionReport, type ContenderRuns } from './projection-report.ts';
import { sampleOrder } from './sample-order.ts';

export interface ProjectionBenchOptions {
  kafkaBrokers: readonly string[];
  registryUrl: string;
  mongoUri: string;
  full: boolean;
}

const partitions = 6;

/**
 * Produces the events once, and returns them as the read model will store them (view, version 1,
 * one applied position), grouped by partition in offset order: the ceiling writes exactly these.
 */
const produceOnce = async (topic: BenchTopic, produce: ReturnType<typeof createEventProducer>): Promise<StoredView[][]> => {
  const byPartition: StoredView[][] = Array.from({ length: partitions }, () => []);
  await produce.connect();
  try {
    for (let start = 0; start < topic.events; start += 1_000) {
      const orders = Array.from({ length: Math.min(1_000, topic.events - start) }, (_, i) => sampleOrder(start + i));
      const published = await produce.publish(topic.topic, orders.map((payload) => ({ key: payload.orderId, eventType: 'OrderPlaced', payload })));
      published.forEach(({ partition, offset }, i) => {
        const payload = orders[i] as OrderPlaced;
        const view = evolveOrderView(null, { topic: topic.topic, partition, offset, eventType: 'OrderPlaced', payload });
        byPartition[partition]?.push({ ...view, _id: payload.orderId, _version: 1, _positions: [{ topic: topic.topic, partition, offset }] });
      });
    }
  } finally {
    await produce.disconnect();
  }
  return byPartition;
};

/** Every store run writes into a database of its own, dropped afterwards, so each does the same work. */
export const inFreshDatabase = async (client: MongoClient, run: (db: Db) => Promise<RunResult>): Promise<RunResult> => {
  const db = client.db(freshName('bench_projection').replace(/-/g, '_'));
  await db.createCollection(orderViewsCollection);
  try {
    return await run(db);
  } finally {
    await db.dropDatabase();
  }
};

/**
 * A fresh topic with `events` OrderPlaced events produced once, and a store client, for `work`;
 * the topic is deleted and the clients closed afterwards. `documents` are the events as the read
 * model stores them, by partition.
 */
export const withProducedTopic = async <T>(
  { kafkaBrokers, registryUrl, mongoUri }: Pick<ProjectionBenchOptions, 'kafkaBrokers' | 'registryUrl' | 'mongoUri'>,
  prefix: string,
  events: number,
  work: (topic: BenchTopic, documents: StoredView[][], client: MongoClient) => Promise<T>,
): Promise<T> => {
  // kafkajs's own lines only when something is wrong, and never on stdout.
  const logger = createLogger({ service: 'bench', level: 'error', stream: process.stderr });
  const kafka = createKafkaClient({ brokers: kafkaBrokers, clientId: prefix, logger });
  const codec = createAvroCodec({ registryUrl, catalog: loadSchemaCatalog() });
  const topicName = freshName(prefix);
  await ensureTopics(kafka, [eventTopic(topicName, partitions, 1)]);
  const client = new MongoClient(mongoUri, { appName: 'tributary-bench' });
  await client.connect();
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topic: BenchTopic = { kafka, codec, logger, topic: topicName, events, ends: new Map() };
    const documents = await produceOnce(topic, createEventProducer({ kafka, codec, producerName: 'bench' }));
    for (const { partition, high } of await admin.fetchTopicOffsets(topicName)) topic.ends.set(partition, BigInt(high));
    return await work(topic, documents, client);
  } finally {
    await admin.deleteTopics({ topics: [topicName] }).catch(() => undefined);
    await admin.disconnect();
    await client.close();
  }
};

/**
 * Projection throughput: our runtime and read model against a decode-only kafkajs consumer on the
 * same topic, the store's own ceiling for the same documents and batches, and a naive projector.
 */
export const projectionBench = async ({ kafkaBrokers, registryUrl, mongoUri, full }: ProjectionBenchOptions, progress: (line: string) => void = () => undefined): Promise<string[]> => {
  const events = full ? 20_000 : 2_000;
  const rounds = full ? 3 : 2;
  const timeoutMs = full ? 1_800_000 : 300_000;
  /**
   * On the local store the naive projector and upsert ceiling slow down as the collection grows
   * (FerretDB scans for an upsert that inserts), so they are time-boxed: their rate is taken over
   * what they managed, which flatters them, making the projector's ratios against them lower bounds.
   */
  const budgetMs = full ? 120_000 : 12_000;
  return withProducedTopic({ kafkaBrokers, registryUrl, mongoUri }, 'bench-projection', events, async (topic, documents, client) => {
    // The warm-up also measures the projector's batches, which the ceiling then copies.
    progress(`projection: warm-up with ${events} events`);
    const warmup = await inFreshDatabase(client, (db) => runProjector(topic, db, timeoutMs));
    await runDecodeOnly(topic, timeoutMs);
    const batchSize = Math.max(1, Math.round(warmup.batches.reduce((a, b) => a + b, 0) / warmup.batches.length));
    const concurrency = warmup.maxInFlight;

    const runs: ContenderRuns = { projector: [], decodeOnly: [], upsertCeiling: [], insertCeiling: [], naive: [] };
    for (let round = 1; round <= rounds; round += 1) {
      progress(`projection: round ${round} of ${rounds}`);
      runs.projector.push(await inFreshDatabase(client, (db) => runProjector(topic, db, timeoutMs)));
      runs.decodeOnly.push(await runDecodeOnly(topic, timeoutMs));
      runs.upsertCeiling.push(await inFreshDatabase(client, (db) => runCeiling(db, documents, { batchSize, concurrency, write: 'upsert', budgetMs })));
      runs.insertCeiling.push(await inFreshDatabase(client, (db) => runCeiling(db, documents, { batchSize, concurrency, write: 'insert', budgetMs })));
      runs.naive.push(await inFreshDatabase(client, (db) => runNaive(topic, db, budgetMs)));
    }
    return formatProjectionReport({ events, partitions, rounds, batchSize, concurrency, runs });
  });
};
