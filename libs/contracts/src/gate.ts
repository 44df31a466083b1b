import { defaultSchemasDir, loadSchemaCatalog, subjectFor, type SchemaEntry } from '@tributary/avro';
import { levelFor, loadCompatibilityConfig, loadConsumers, type CompatibilityConfig, type ConsumerContract } from './contract-files.ts';
import { pairsFor, type CompatibilityLevel, type ReadPair } from './levels.ts';
import { describeProblem } from './messages.ts';
import { resolutionProblems, type ResolutionProblem } from './resolution.ts';

export interface ContractProblem {
  readonly subject: string;
  readonly eventType: string;
  readonly readerVersion: number;
  readonly writerVersion: number;
  /** Set when the problem comes from a consumer's reader schema rather than the subject's level. */
  readonly consumer?: string;
  /** Absent when the contract files themselves are wrong (a consumer reading an unknown version). */
  readonly problem?: ResolutionProblem;
  readonly message: string;
}

export interface SubjectCheck {
  readonly subject: string;
  readonly stream: string;
  readonly eventType: string;
  readonly level: CompatibilityLevel;
  readonly versions: readonly number[];
  readonly pairs: readonly ReadPair[];
  readonly problems: readonly ContractProblem[];
}

export interface ConsumerCheck {
  readonly consumer: string;
  readonly stream: string;
  readonly eventType: string;
  readonly readerVersion: number | undefined;
  readonly writerVersions: readonly number[];
  readonly problems: readonly ContractProblem[];
}

export interface GateResult {
  readonly subjects: readonly SubjectCheck[];
  readonly consumers: readonly ConsumerCheck[];
  /** Every problem of both, subjects first: the gate passes when this is empty. */
  readonly problems: readonly ContractProblem[];
}

export type TopicFor = (stream: string) => string;

export interface GateInput {
  readonly entries: readonly SchemaEntry[];
  readonly compatibility: CompatibilityConfig;
  readonly consumers: readonly ConsumerContract[];
  readonly topicFor?: TopicFor;
}

const pairProblems = (subject: string, reader: SchemaEntry, writer: SchemaEntry, consumer?: string): ContractProblem[] =>
  resolutionProblems(JSON.parse(reader.text), JSON.parse(writer.text), { reader: reader.type, writer: writer.type }).map((problem) => {
    const message = describeProblem({ eventType: reader.eventType, readerVersion: reader.version, writerVersion: writer.version }, problem);
    return {
      subject,
      eventType: reader.eventType,
      readerVersion: reader.version,
      writerVersion: writer.version,
      problem,
      ...(consumer ? { consumer, message: `consumer ${consumer} (reads ${reader.eventType} v${reader.version}): ${message}` } : { message }),
    };
  });

const groupBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
};

const checkSubject = (subject: string, versions: SchemaEntry[], level: CompatibilityLevel): SubjectCheck => {
  const first = versions[0] as SchemaEntry;
  const byVersion = new Map(versions.map((entry) => [entry.version, entry]));
  const pairs = pairsFor(level, [...byVersion.keys()]);
  return {
    subject,
    stream: first.stream,
    eventType: first.eventType,
    level,
    versions: [...byVersion.keys()].sort((a, b) => a - b),
    pairs,
    problems: pairs.flatMap(({ reader, writer }) => pairProblems(subject, byVersion.get(reader) as SchemaEntry, byVersion.get(writer) as SchemaEntry)),
  };
};

const checkConsumer = (consumer: ConsumerContract, eventType: string, wanted: number | 'latest', entries: readonly SchemaEntry[], topicFor: TopicFor): ConsumerCheck => {
  const written = entries.filter((entry) => entry.stream === consumer.stream && entry.eventType === eventType).sort((a, b) => a.version - b.version);
  const reader = wanted === 'latest' ? written.at(-1) : written.find((entry) => entry.version === wanted);
  const base = { consumer: consumer.name, stream: consumer.stream, eventType, writerVersions: written.map((entry) => entry.version) };
  if (!reader) {
    const subject = written[0] ? subjectFor(topicFor(consumer.stream), written[0]) : `${topicFor(consumer.stream)}-${eventType}`;
    const known = written.length > 0 ? `versions on disk: ${written.map((e) => `v${e.version}`).join(', ')}` : `no ${eventType} schema in stream ${consumer.stream}`;
    const message = `consumer ${consumer.name} reads ${eventType} ${wanted === 'latest' ? '' : `v${wanted} `}from ${consumer.stream}, which does not exist (${known}); fix consumers.json`;
    return { ...base, readerVersion: undefined, problems: [{ subject, eventType, readerVersion: wanted === 'latest' ? 0 : wanted, writerVersion: 0, consumer: consumer.name, message }] };
  }
  const subject = subjectFor(topicFor(consumer.stream), reader);
  return {
    ...base,
    readerVersion: reader.version,
    problems: written.filter((writer) => writer !== reader).flatMap((writer) => pairProblems(subject, reader, writer, consumer.name)),
  };
};

/**
 * The local gate, pure over loaded contracts: each subject's versions under its level, then
 * each consumer's reader version against every version a producer may write on its stream.
 */
export const runGate = ({ entries, compatibility, consumers, topicFor = (stream) => stream }: GateInput): GateResult => {
  const bySubject = groupBy(entries, (entry) => subjectFor(topicFor(entry.stream), entry));
  const subjects = [...bySubject.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([subject, versions]) => checkSubject(subject, versions, levelFor(compatibility, (versions[0] as SchemaEntry).eventType)));
  const consumerChecks = consumers.flatMap((consumer) =>
    Object.entries(consumer.reads).map(([eventType, wanted]) => checkConsumer(consumer, eventType, wanted, entries, topicFor)),
  );
  return { subjects, consumers: consumerChecks, problems: [...subjects, ...consumerChecks].flatMap((check) => check.problems) };
};

export interface CheckSchemasOptions {
  /** The folder holding <stream>/<EventType>.v<N>.avsc, compatibility.json and consumers.json. */
  readonly dir?: string;
  readonly topicFor?: TopicFor;
}

/** Loads the contracts from a folder (default: the repo's schemas/avro) and runs the gate. */
export const checkSchemas = ({ dir = defaultSchemasDir(), topicFor }: CheckSchemasOptions = {}): GateResult =>
  runGate({
    entries: loadSchemaCatalog(dir).entries,
    compatibility: loadCompatibilityConfig(dir),
    consumers: loadConsumers(dir),
    ...(topicFor ? { topicFor } : {}),
  });
