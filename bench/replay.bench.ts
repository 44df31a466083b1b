import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { runCli } from '@tributary/cli';
import { commands } from '@tributary/cli/commands';
import { createEnvelope, createKafkaClient, ensureTopics, envelopeHeaders, eventTopic } from '@tributary/kafka';
import { createLogger } from '@tributary/logger';
import type { Kafka } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { median } from './harness.ts';
import { freshName, runProjector, type BenchTopic } from './projection-contenders.ts';
import { sampleLifecycle, sampleOrder } from './sample-order.ts';

export interface ReplayBenchOptions {
  kafkaBrokers: readonly string[];
  registryUrl: string;
  mongoUri: string;
  full: boolean;
}

const partitions = 6;
const eventsPerOrder = 4;

/** The projection's three streams for one run: orders, inventory and payments. */
interface Streams {
  readonly orders: string;
  readonly inventory: string;
  readonly payments: string;
}

/**
 * Fills the streams fast with confirmed orders, four events each (placed, stock reserved, payment
 * authorized, confirmed): records encoded once in Avro's wire format and sent in large batches by a
 * plain kafkajs producer (no transactions), so the prefill costs seconds, not the measured runs.
 */
const prefill = async (kafka: Kafka, registryUrl: string, streams: Streams, events: number, progress: (line: string) => void): Promise<void> => {
  const codec = createAvroCodec({ registryUrl, catalog: loadSchemaCatalog() });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const headersOf = (eventType: string) => envelopeHeaders(createEnvelope(eventType, 'bench'));
  const record = async (topic: string, eventType: string, key: string, payload: unknown) => ({ key, value: await codec.encode(topic, eventType, payload), headers: headersOf(eventType) });
  await producer.connect();
  try {
    const orders = events / eventsPerOrder;
    for (let start = 0; start < orders; start += 2_500) {
      const placed = Array.from({ length: Math.min(2_500, orders - start) }, (_, i) => sampleOrder(start + i));
      const lives = placed.map((order) => ({ order, ...sampleLifecycle(order) }));
      const [ordered, reserved, authorized] = await Promise.all([
        Promise.all(lives.flatMap(({ order, confirmed }) => [record(streams.orders, 'OrderPlaced', order.orderId, order), record(streams.orders, 'OrderConfirmed', order.orderId, confirmed)])),
        Promise.all(lives.map(({ order, reserved: payload }) => record(streams.inventory, 'StockReserved', order.orderId, payload))),
        Promise.all(lives.map(({ order, authorized: payload }) => record(streams.payments, 'PaymentAuthorized', order.orderId, payload))),
      ]);
      await producer.sendBatch({
        acks: 1,
        topicMessages: [
          { topic: streams.orders, messages: ordered },
          { topic: streams.inventory, messages: reserved },
          { topic: streams.payments, messages: authorized },
        ],
      });
      if (start % 50_000 === 0 && start > 0) progress(`replay: prefilled ${start * eventsPerOrder} of ${events} events`);
    }
  } finally {
    await producer.disconnect();
  }
};

/** The services' settings for one run: the bench topic as the orders stream, a database and group of its own. */
const environment = ({ kafkaBrokers, registryUrl, mongoUri }: ReplayBenchOptions, streams: Streams) => ({
  KAFKA_BROKERS: kafkaBrokers.join(','),
  SCHEMA_REGISTRY_URL: registryUrl,
  MONGODB_URI: mongoUri,
  MONGODB_DATABASE: freshName('bench_replay').replace(/-/g, '_'),
  ORDERS_TOPIC: streams.orders,
  INVENTORY_TOPIC: streams.inventory,
  PAYMENTS_TOPIC: streams.payments,
  ORDER_PROJECTOR_GROUP: freshName('bench-live'),
  TOPIC_PARTITIONS: String(partitions),
  ORDER_PROJECTOR_PORT: '0',
  LOG_LEVEL: 'error',
});

interface Run {
  readonly seconds: number;
  /** Resident memory at its highest during the run, above what the process held before it. */
  readonly peakRssMb: number;
}

/** Samples resident memory while a run goes on. */
const peakRss = async <T>(run: () => Promise<T>): Promise<{ result: T; peakRssMb: number }> => {
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  try {
    const result = await run();
    return { result, peakRssMb: (Math.max(peak, process.memoryUsage.rss()) - before) / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
};

/**
 * The subject: `tributary replay order-views` as an operator runs it, timed from the command's start
 * until its copy has reached the end of the topic (the switch's fixed grace period is left out).
 */
const runReplay = async (options: ReplayBenchOptions, env: Record<string, string>, client: MongoClient): Promise<Run> => {
  const started = performance.now();
  let builtAt: number | undefined;
  const errors: string[] = [];
  try {
    const { result: code, peakRssMb } = await peakRss(() =>
      runCli({ name: 'tributary', summary: 'bench', subcommands: commands }, ['replay', 'order-views', '--json'], {
        out: (line) => {
          if (builtAt === undefined && line.includes('"phase":"building"') && line.includes('"percent":100')) builtAt = performance.now();
        },
        err: (line) => errors.push(line),
        env,
      }),
    );
    if (code !== 0 || builtAt === undefined) throw new Error(`replay failed (exit ${code}): ${errors.slice(-3).join(' | ')}`);
    return { seconds: (builtAt - started) / 1000, peakRssMb };
  } finally {
    await client.db(env['MONGODB_DATABASE']).dropDatabase();
  }
};

/**
 * The baseline: the consumer runtime and read model as the order projector runs them for the order
 * view (the projection contenders' subject), timed from joining its group until its commits reach
 * the end. The replay's time includes connecting and joining, so the ratio errs on the low side.
 */
const runLiveProjector = async (topic: BenchTopic, client: MongoClient): Promise<Run> => {
  const db = client.db(freshName('bench_replay_live').replace(/-/g, '_'));
  try {
    const { result, peakRssMb } = await peakRss(() => runProjector(topic, db, 1_800_000));
    return { seconds: result.seconds, peakRssMb };
  } finally {
    await db.dropDatabase();
  }
};

const rate = (events: number, run: Run) => events / run.seconds;
const fmt = (value: number) => Math.round(value).toLocaleString('en-US');

/**
 * Rebuild throughput: the replay command against the live projector on the same topic (alternating,
 * medians), and the replay alone on a topic ten times longer for its per-event cost and memory.
 */
export const replayBench = async (options: ReplayBenchOptions, progress: (line: string) => void = () => undefined): Promise<string[]> => {
  const short = options.full ? 100_000 : 2_000;
  const long = options.full ? 1_000_000 : 20_000;
  const rounds = options.full ? 1 : 2;
  const logger = createLogger({ service: 'bench', level: (process.env['BENCH_LOG'] as 'info' | undefined) ?? 'error', stream: process.stderr });
  const kafka = createKafkaClient({ brokers: options.kafkaBrokers, clientId: 'bench-replay', logger });
  const streamsNamed = (length: string): Streams => ({
    orders: freshName(`bench-replay-${length}-orders`),
    inventory: freshName(`bench-replay-${length}-inventory`),
    payments: freshName(`bench-replay-${length}-payments`),
  });
  const streams = { short: streamsNamed('short'), long: streamsNamed('long') };
  const created = [streams.short, streams.long].flatMap(({ orders, inventory, payments }) => [orders, inventory, payments]);
  await ensureTopics(kafka, created.map((topic) => eventTopic(topic, partitions, 1)), logger);
  const client = new MongoClient(options.mongoUri, { appName: 'tributary-bench' });
  await client.connect();
  const admin = kafka.admin();
  await admin.connect();
  try {
    progress(`replay: prefilling ${short} + ${long} events (${eventsPerOrder} per order on three topics)`);
    await prefill(kafka, options.registryUrl, streams.short, short, progress);
    await prefill(kafka, options.registryUrl, streams.long, long, progress);
    const codec = createAvroCodec({ registryUrl: options.registryUrl, catalog: loadSchemaCatalog() });
    const endsOf = async (topic: string) => new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, offset }) => [partition, BigInt(offset)]));
    const benchTopic: BenchTopic = {
      kafka,
      codec,
      logger,
      topic: streams.short.orders,
      events: short,
      ends: await endsOf(streams.short.orders),
      companions: [
        { topic: streams.short.inventory, ends: await endsOf(streams.short.inventory) },
        { topic: streams.short.payments, ends: await endsOf(streams.short.payments) },
      ],
    };

    const replays: Run[] = [];
    const projectors: Run[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      progress(`replay: round ${round} of ${rounds} on ${short} events (projector, then replay)`);
      projectors.push(await runLiveProjector(benchTopic, client));
      replays.push(await runReplay(options, environment(options, streams.short), client));
    }
    progress(`replay: ${long} events`);
    const longRun = await runReplay(options, environment(options, streams.long), client);

    const replayRate = median(replays.map((run) => rate(short, run)));
    const projectorRate = median(projectors.map((run) => rate(short, run)));
    const longRate = rate(long, longRun);
    const shortPeak = Math.max(...replays.map((run) => run.peakRssMb));
    const perEventRatio = replayRate / longRate;
    return [
      `${short} events, ${partitions} partitions, ${rounds} alternating round(s), medians; replay timed from the command's start to its copy reaching the end, the projector from joining its group`,
      `live projector (order view)   ${fmt(projectorRate).padStart(9)} events/s  peak RSS +${fmt(Math.max(...projectors.map((run) => run.peakRssMb)))} MB`,
      `replay                        ${fmt(replayRate).padStart(9)} events/s  peak RSS +${fmt(shortPeak)} MB`,
      `replay / projector throughput: ${(replayRate / projectorRate).toFixed(2)}x (goal >= 1.5)`,
      `replay of ${long} events: ${fmt(longRate)} events/s in ${longRun.seconds.toFixed(1)} s, peak RSS +${fmt(longRun.peakRssMb)} MB`,
      `per-event time at ${long} vs ${short}: ${perEventRatio.toFixed(2)}x (goal <= 1.3); peak RSS ${fmt(longRun.peakRssMb)} MB vs ${fmt(shortPeak)} MB`,
    ];
  } finally {
    await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await admin.disconnect();
    await client.close();
  }
};
