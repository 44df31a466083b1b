import { TributaryError } from '@tributary/errors';
import { deadLetterHeaders, isDeadLetterTopic } from '@tributary/kafka';
import type { Command, Io, LeafCommand } from '../command.ts';
import { inspectTopics, ensureLedger, missingRetryTopics, openRedriver, readParked, type DlqTopics } from '../dlq/backbone.ts';
import { describeFilter, filterFields, parseFilter } from '../dlq/filter.ts';
import { formatListTable, toListRow } from '../dlq/list-rows.ts';
import type { SentTo } from '../dlq/ledger.ts';
import { retryTargetOf, type ParkedRecord } from '../dlq/parked.ts';
import { countByCode, countByGroup, planRedrive } from '../dlq/plan.ts';
import { connectFromEnvironment, environmentHelp } from '../events/backbone.ts';
import { parseLimit } from '../events/tail-start.ts';
import { usageError } from '../usage-error.ts';

const oneTopic = (positionals: string[], usage: string): string => {
  const [topic, ...extra] = positionals;
  if (!topic || extra.length > 0) throw usageError(`give exactly one topic: ${usage}`);
  if (isDeadLetterTopic(topic)) throw usageError(`give the topic the records came from, not its dead-letter topic: ${topic.slice(0, -'.dlq'.length)}`);
  return topic;
};

/** Whether there is anything to read; says why not on stderr. */
const parkedTopics = async (io: Io, topic: string, kafka: Parameters<typeof inspectTopics>[0]): Promise<DlqTopics | undefined> => {
  const topics = await inspectTopics(kafka, topic);
  if (topics.dlqExists) return topics;
  if (!topics.topicExists) throw new TributaryError('NOT_FOUND', `Topic ${topic} does not exist, nor does ${topics.dlq}; check the name (\`tributary tail\` reads any topic).`);
  io.err(`nothing is parked for ${topic}: ${topics.dlq} does not exist (a consumer creates it when it parks its first record)`);
  return undefined;
};

const position = (record: ParkedRecord): string => `${record.dlqPartition}:${record.dlqOffset}`;
const origin = (record: ParkedRecord): string => (record.provenance ? `${record.provenance.originalTopic}:${record.provenance.originalPartition}:${record.provenance.originalOffset}` : '?');
const code = (record: ParkedRecord): string => record.provenance?.errorCode || '(no code)';
const target = (record: ParkedRecord): string => (record.provenance ? retryTargetOf(record.provenance) : '?');

/** Stops before anything is sent: a record sent to a retry topic no member of its group reads would wait unseen. */
const requireRetryTopics = async (kafka: Parameters<typeof missingRetryTopics>[0], records: readonly ParkedRecord[]): Promise<void> => {
  const missing = await missingRetryTopics(kafka, records);
  if (missing.length === 0) return;
  const groups = [...new Set(records.filter((record) => missing.includes(target(record))).map((record) => record.provenance?.consumerGroup ?? ''))];
  throw new TributaryError(
    'NOT_FOUND',
    `Nothing was sent: ${missing.join(', ')} does not exist. A consuming service creates its group's retry topics when it starts: start the service of group ${groups.join(', ')}, then run this again, or send back only other groups' records with --filter group=<group>.`,
  );
};

const list: LeafCommand = {
  name: 'list',
  summary: 'show the records parked in <topic>.dlq: where they came from, why, and whether they were redriven',
  usage: 'tributary dlq list <topic> [--limit N] [--json]',
  positionals: true,
  options: { limit: { type: 'string' }, json: { type: 'boolean' } },
  optionHelp: {
    limit: 'show the first N parked records (oldest first per DLQ partition)',
    json: 'one JSON object per parked record, with the full error message and its consumerGroup',
  },
  details: `Reads <topic>.dlq from its earliest record up to its end at the start of the command, then stops. Columns: DLQ partition:offset, original topic:partition:offset, the consumer group that parked it, key, error code, attempts, first failure, when it was parked, whether it was redriven (and where to), error message. Reads with a throwaway consumer group that is deleted afterwards.\n\n${environmentHelp}`,
  run: async ({ positionals, values, io }) => {
    const topic = oneTopic(positionals, 'tributary dlq list <topic>');
    const limit = parseLimit(typeof values['limit'] === 'string' ? values['limit'] : undefined);
    const { kafka } = connectFromEnvironment(io.env, 'tributary-cli');
    const topics = await parkedTopics(io, topic, kafka);
    if (!topics) return 0;

    io.err(`dlq: reading ${topics.dlq}${topics.ledgerExists ? ` and ${topics.ledger}` : ''}`);
    const { parked, ledger } = await readParked(kafka, topics);
    if (parked.length === 0) {
      io.err(`${topics.dlq} is empty: nothing is parked for ${topic}`);
      return 0;
    }
    const rows = parked.map((record) => toListRow(record, ledger));
    const shown = limit === undefined ? rows : rows.slice(0, limit);
    if (values['json'] === true) for (const row of shown) io.out(JSON.stringify(row));
    else io.out(formatListTable(shown).join('\n'));
    const redriven = rows.filter((row) => row.redriven !== null).length;
    io.err(`${shown.length < rows.length ? `showing ${shown.length} of ` : ''}${rows.length} parked record(s) in ${topics.dlq}; ${redriven} redriven, ${rows.length - redriven} not`);
    return 0;
  },
};

const redrive: LeafCommand = {
  name: 'redrive',
  summary: 'send parked records back to the consumer group that parked each, through its retry topic, each at most once ever',
  usage: `tributary dlq redrive <topic> [--filter ${filterFields.map((f) => `${f}=...`).join(',')}] [--dry-run]`,
  positionals: true,
  options: { filter: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  optionHelp: {
    filter: 'only records matching every field: code (error code), key, partition and offset (in the original topic), group (consumer group that parked it); a field given twice matches either value',
    'dry-run': 'show what would be sent back and where, send nothing',
  },
  details: [
    'Each record goes to <topic>.retry.<group>, the retry topic of the consumer group that parked it (its dlq-consumer-group header), which only that group reads:',
    'the other groups of <topic>, which handled the record the first time, never see it again. The group handles it as a record of <topic>; should it fail again, it is parked in <topic>.dlq again under its original position.',
    'It goes with its original key, value and headers, minus the dlq-* ones, plus redriven-from: <dlq>:<partition>:<offset> and retry-original-topic, -partition and -offset (its position in <topic>).',
    'A consuming service creates its retry topics when it starts, with the partitions of their source; if one the records need does not exist, nothing is sent. Records parked without a consumer group are left alone.',
    'Every record sent back is written to the ledger <topic>.dlq.redriven (compacted, key <dlqPartition>:<dlqOffset>) in the same Kafka transaction, so a record is sent back at most once, whatever the filters of later runs, and a run that crashes leaves nothing half done: run it again.',
    'Consumers must read committed records (the kafkajs default) to see only finished redrives.',
    '',
    environmentHelp,
  ].join('\n'),
  run: async ({ positionals, values, io }) => {
    const topic = oneTopic(positionals, 'tributary dlq redrive <topic>');
    const filter = parseFilter(typeof values['filter'] === 'string' ? values['filter'] : undefined);
    const dryRun = values['dry-run'] === true;
    const { kafka } = connectFromEnvironment(io.env, 'tributary-cli');
    const topics = await parkedTopics(io, topic, kafka);
    if (!topics) return 0;

    // The producer starts before anything is read: it fences an earlier run, so the ledger read next is final.
    let redriver: Awaited<ReturnType<typeof openRedriver>> | undefined;
    if (!dryRun) {
      await ensureLedger(kafka, topics);
      redriver = await openRedriver(kafka, { ...topics, ledgerExists: true });
    }
    try {
      io.err(`dlq: reading ${topics.dlq}${topics.ledgerExists || redriver ? ` and ${topics.ledger}` : ''}`);
      const { parked, ledger } = await readParked(kafka, redriver ? { ...topics, ledgerExists: true } : topics);
      const plan = planRedrive(parked, ledger, filter);
      io.err(`dlq: ${parked.length} parked record(s), ${parked.length - plan.notMatching} matching ${describeFilter(filter)}`);
      await requireRetryTopics(kafka, plan.send);

      const sent: { record: ParkedRecord; to: SentTo }[] = [];
      if (dryRun) {
        for (const record of plan.send) io.out(`would send ${position(record)} (${origin(record)}) key ${record.key ?? '-'} ${code(record)} -> ${target(record)}`);
      } else if (redriver && plan.send.length > 0) {
        await redriver.redrive(plan.send, (chunk) => {
          for (const item of chunk) io.out(`sent ${position(item.record)} (${origin(item.record)}) key ${item.record.key ?? '-'} ${code(item.record)} -> ${item.to.topic}:${item.to.partition}:${item.to.offset}`);
          sent.push(...chunk);
        });
      }

      const records = dryRun ? plan.send : sent.map((item) => item.record);
      io.out(`${dryRun ? 'would send back' : 'sent back'} ${records.length} record(s)${records.length > 0 ? ` to the retry topics of ${countByGroup(records)}: ${countByCode(records)}` : ''}`);
      io.out(`skipped ${plan.alreadyRedriven.length} already redriven${plan.alreadyRedriven.length > 0 ? `: ${countByCode(plan.alreadyRedriven)}` : ''}`);
      if (plan.noGroup.length > 0) {
        io.out(`left ${plan.noGroup.length} without a consumer group (no ${deadLetterHeaders.consumerGroup} header), so no retry topic to go to: ${plan.noGroup.map(position).join(', ')}`);
      }
      if (plan.noProvenance.length > 0) {
        io.out(`left ${plan.noProvenance.length} without provenance headers (no dlq-original-topic/partition/offset): ${plan.noProvenance.map(position).join(', ')}`);
      }
      if (plan.notMatching > 0) io.err(`dlq: ${plan.notMatching} parked record(s) did not match the filter and were left alone`);
    } finally {
      await redriver?.close();
    }
    return 0;
  },
};

export const dlqCommand: Command = {
  name: 'dlq',
  summary: 'dead letters: list what is parked in <topic>.dlq, send it back to the group that parked it after a fix',
  subcommands: [list, redrive],
};
