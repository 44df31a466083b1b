import { setTimeout as sleep } from 'node:timers/promises';
import { backboneSettings, loadSettings, topicSettings } from '@tributary/config';
import { classify, isTributaryError, TributaryError } from '@tributary/errors';
import { createKafkaClient, deadLetterTopic, ensureTopics, eventTopic, type TopicSpec } from '@tributary/kafka';
import { createLogger } from '@tributary/logger';
import kafkajs, { type Kafka } from 'kafkajs';
import type { Command, Io, LeafCommand } from '../command.ts';
import { formatTable } from '../table.ts';
import { usageError } from '../usage-error.ts';

const { kafkaBrokers, kafkaTls, kafkaTlsCaFile, kafkaTlsRejectUnauthorized, kafkaSaslMechanism, kafkaSaslUsername, kafkaSaslPassword, topicPartitions, topicReplicationFactor } =
  backboneSettings;
/** The settings the services create their topics with, read from the same variables. */
const settingsSpec = {
  kafkaBrokers,
  kafkaTls,
  kafkaTlsCaFile,
  kafkaTlsRejectUnauthorized,
  kafkaSaslMechanism,
  kafkaSaslUsername,
  kafkaSaslPassword,
  topicPartitions,
  topicReplicationFactor,
  ...topicSettings,
};

const environmentHelp = [
  'Environment (the same settings as the services):',
  '  ORDERS_TOPIC, INVENTORY_TOPIC, PAYMENTS_TOPIC   the streams (default orders, inventory, payments)',
  '  TOPIC_PARTITIONS          partitions of every topic (default 6)',
  '  TOPIC_REPLICATION_FACTOR  replicas of every partition (default 1)',
  '  KAFKA_BROKERS             Kafka bootstrap servers (default 127.0.0.1:9092)',
  '  KAFKA_TLS, KAFKA_TLS_CA_FILE, KAFKA_TLS_REJECT_UNAUTHORIZED, KAFKA_SASL_MECHANISM,',
  '  KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD',
  '                            a secured Kafka (docs/configuration.md#kafka-security)',
].join('\n');

/** `--partitions orders=24,payments=12`: partition counts that differ from TOPIC_PARTITIONS, by topic name. */
export const parsePartitionOverrides = (text: string | undefined): Map<string, number> => {
  const overrides = new Map<string, number>();
  for (const entry of (text ?? '').split(',').map((part) => part.trim()).filter(Boolean)) {
    const match = /^([^=\s]+)=(\d{1,5})$/.exec(entry);
    const count = Number(match?.[2]);
    if (!match || !(count >= 1 && count <= 10_000)) throw usageError(`--partitions: "${entry}" is not <topic>=<partitions> with 1 to 10000 partitions`);
    overrides.set(match[1] as string, count);
  }
  return overrides;
};

export interface TopicPlan {
  /** The topic names of the streams, in the order ORDERS_TOPIC, INVENTORY_TOPIC, PAYMENTS_TOPIC. */
  streams: readonly string[];
  partitions: number;
  replicationFactor: number;
  overrides: ReadonlyMap<string, number>;
  deadLetters: boolean;
}

/**
 * The topics the services create at start (serviceTopics): every stream with unlimited retention,
 * and the dead-letter topic of each, since every stream has a consumer. A dead-letter topic gets
 * its stream's partition count. The consumers' retry topics are left to them: they copy their
 * source's partitions, and their names need the group ids.
 */
export const plannedTopics = ({ streams, partitions, replicationFactor, overrides, deadLetters }: TopicPlan): TopicSpec[] => {
  const unknown = [...overrides.keys()].filter((name) => !streams.includes(name));
  if (unknown.length > 0) throw usageError(`--partitions names ${unknown.join(', ')}, not one of the streams' topics: ${streams.join(', ')}`);
  return [...new Set(streams)].flatMap((name) => {
    const count = overrides.get(name) ?? partitions;
    const stream = eventTopic(name, count, replicationFactor);
    return deadLetters ? [stream, eventTopic(deadLetterTopic(name), count, replicationFactor)] : [stream];
  });
};

export interface TopicState {
  name: string;
  partitions: number;
  replicas: number;
  /** The topic's retention.ms as the broker reports it. */
  retentionMs: string | undefined;
}

/**
 * One row per planned topic. An existing topic whose partition count differs is reported and left
 * as it is: adding partitions moves keys to other partitions and breaks per-order ordering.
 */
export const topicRows = (specs: readonly TopicSpec[], created: readonly string[], states: readonly TopicState[]): { rows: string[][]; differing: string[] } => {
  const differing: string[] = [];
  const rows = specs.map((spec) => {
    const state = states.find((candidate) => candidate.name === spec.name);
    let status = created.includes(spec.name) ? 'created' : 'exists';
    if (state && state.partitions !== spec.partitions) {
      status = `${status}; wanted ${spec.partitions} partitions, left unchanged`;
      differing.push(spec.name);
    }
    return [spec.name, String(state?.partitions ?? '?'), String(state?.replicas ?? '?'), state?.retentionMs ?? '?', status];
  });
  return { rows, differing };
};

/** kafkajs reports refused topics as an aggregate of per-topic errors; one sentence names each. */
const creationFailure = (error: unknown): TributaryError | undefined => {
  const errors = (error as { errors?: unknown }).errors;
  if (!(error instanceof Error) || error.name !== 'KafkaJSAggregateError' || !Array.isArray(errors) || errors.length === 0) return undefined;
  const reasons = errors.map((item: { topic?: unknown; message?: unknown }) => `${typeof item.topic === 'string' ? `${item.topic}: ` : ''}${String(item.message)}`);
  return new TributaryError('CONFIG_INVALID', `Kafka refused to create topics (check TOPIC_PARTITIONS, TOPIC_REPLICATION_FACTOR and the user's rights): ${reasons.join('; ')}`, {
    cause: error,
  });
};

const readStates = async (kafka: Kafka, names: readonly string[]): Promise<TopicState[]> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [...names] });
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: names.map((name) => ({ type: kafkajs.ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms'] })),
    });
    const retention = new Map(resources.map((resource) => [resource.resourceName, resource.configEntries.find((entry) => entry.configName === 'retention.ms')?.configValue]));
    return topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.length,
      replicas: topic.partitions[0]?.replicas.length ?? 0,
      retentionMs: retention.get(topic.name),
    }));
  } finally {
    await admin.disconnect();
  }
};

/** Creates the missing topics; while Kafka is unreachable, tries again until `waitMs` has passed. */
const ensureWithin = async (kafka: Kafka, specs: readonly TopicSpec[], waitMs: number, io: Io, brokers: string): Promise<string[]> => {
  const deadline = Date.now() + waitMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await ensureTopics(kafka, specs);
    } catch (error) {
      const refused = creationFailure(error);
      if (refused) throw refused;
      if (isTributaryError(error) || classify(error) !== 'retry' || Date.now() >= deadline) throw error;
      io.err(`topics: Kafka at ${brokers} not reachable yet (${(error as Error).message}); trying again`);
      await sleep(Math.min(1_000 * attempt, 5_000, Math.max(0, deadline - Date.now())));
    }
  }
};

const ensure: LeafCommand = {
  name: 'ensure',
  summary: 'create the streams\' topics and their dead-letter topics with the services\' settings',
  usage: 'tributary topics ensure [--partitions <topic>=<n>,...] [--no-dead-letters] [--wait <seconds>]',
  options: { partitions: { type: 'string' }, 'no-dead-letters': { type: 'boolean' }, wait: { type: 'string' } },
  optionHelp: {
    partitions: 'partition counts for single topics instead of TOPIC_PARTITIONS (a topic\'s .dlq gets the same)',
    'no-dead-letters': 'leave out the <topic>.dlq dead-letter topics',
    wait: 'keep trying this many seconds while Kafka is unreachable (default 0: one try)',
  },
  details: [
    'The topics the services create at start, before any of them runs: ORDERS_TOPIC, INVENTORY_TOPIC and',
    'PAYMENTS_TOPIC, each with its <topic>.dlq, TOPIC_PARTITIONS partitions, TOPIC_REPLICATION_FACTOR',
    'replicas and retention.ms=-1 (replays read the whole history). Existing topics are left as they are,',
    'so a second run changes nothing; one whose partition count differs is reported, never changed (more',
    'partitions would move keys and break per-order ordering). Prints each topic with its partitions,',
    'replicas, retention and whether it was created. Exit code 1 when Kafka refuses or cannot be reached.',
    'Each consuming service creates its group\'s retry topics (<topic>.retry.<group>, where `tributary dlq',
    'redrive` sends what the group parked) itself at start, with the partitions of their source topic.',
    '',
    environmentHelp,
  ].join('\n'),
  run: async ({ values, io }) => {
    const waitText = typeof values['wait'] === 'string' ? values['wait'] : '0';
    if (!/^\d{1,5}$/.test(waitText)) throw usageError(`--wait: "${waitText}" is not a number of seconds`);
    const overrides = parsePartitionOverrides(typeof values['partitions'] === 'string' ? values['partitions'] : undefined);
    const settings = loadSettings(settingsSpec, io.env);
    const specs = plannedTopics({
      streams: [settings.ordersTopic, settings.inventoryTopic, settings.paymentsTopic],
      partitions: settings.topicPartitions,
      replicationFactor: settings.topicReplicationFactor,
      overrides,
      deadLetters: values['no-dead-letters'] !== true,
    });
    // kafkajs's own lines go to stderr, so stdout keeps only the table.
    const logger = createLogger({ service: 'tributary-topics', level: 'error', stream: process.stderr });
    const kafka = createKafkaClient({ brokers: settings.kafkaBrokers, clientId: 'tributary-topics', logger, security: settings });
    const brokers = settings.kafkaBrokers.join(',');
    io.err(`topics: ensuring ${specs.length} topics on ${brokers} (replication factor ${settings.topicReplicationFactor})`);
    const created = await ensureWithin(kafka, specs, Number(waitText) * 1_000, io, brokers);
    const { rows, differing } = topicRows(specs, created, await readStates(kafka, specs.map((spec) => spec.name)));
    io.out(formatTable(['TOPIC', 'PARTITIONS', 'REPLICAS', 'RETENTION.MS', 'STATUS'], rows).join('\n'));
    for (const name of differing) io.err(`topics: ${name} exists with another partition count; it is left unchanged`);
    io.out(`topics: ${created.length} created, ${specs.length - created.length} already there`);
    return 0;
  },
};

export const topicsCommand: Command = {
  name: 'topics',
  summary: 'the platform\'s Kafka topics',
  subcommands: [ensure],
};
