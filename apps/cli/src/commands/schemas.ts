import path from 'node:path';
import { defaultSchemasDir } from '@tributary/avro';
import {
  checkAgainstRegistry,
  checkSchemas,
  generatedDir,
  generateFromSchemas,
  registerSchemas,
  registryReachable,
  staleGeneratedFiles,
  topicPrefixVariable,
  topicsWithPrefix,
  writeGeneratedFiles,
} from '@tributary/contracts';
import type { Command, Invocation, Io, LeafCommand } from '../command.ts';
import { formatGate, formatOutcome, formatRegisterSummary, formatRegistryCheck, registryFailures } from '../schemas/report.ts';

const defaultRegistryUrl = 'http://127.0.0.1:8081/apis/ccompat/v7';

const environmentHelp = [
  'Environment:',
  `  ${'SCHEMA_REGISTRY_URL'.padEnd(26)} the registry (default ${defaultRegistryUrl})`,
  `  ${topicPrefixVariable.padEnd(26)} prefix of every topic name, as --topic-prefix (default none)`,
  `  ${'TRIBUTARY_SCHEMAS_DIR'.padEnd(26)} the schema folder, as --dir (default <repo>/schemas/avro)`,
  '',
  'Subjects are named <topic>-<record full name>; the topic of a stream is <prefix><stream>,',
  'e.g. orders-io.tributary.orders.OrderPlaced.',
].join('\n');

const dirOption = { dir: { type: 'string' } } as const;
const registryOption = { registry: { type: 'string' } } as const;
const prefixOption = { 'topic-prefix': { type: 'string' } } as const;
const dirHelp = 'the schema folder: <stream>/<EventType>.v<N>.avsc, compatibility.json, consumers.json';
const registryHelp = `the registry's Confluent-compatible API (default SCHEMA_REGISTRY_URL or ${defaultRegistryUrl})`;
const prefixHelp = `put this before every stream name to get its topic (default ${topicPrefixVariable} or none)`;

const settings = ({ values, io }: Invocation) => {
  const dir = typeof values['dir'] === 'string' ? path.resolve(values['dir']) : defaultSchemasDir();
  const registryUrl = typeof values['registry'] === 'string' ? values['registry'] : (io.env['SCHEMA_REGISTRY_URL'] ?? defaultRegistryUrl);
  const prefix = typeof values['topic-prefix'] === 'string' ? values['topic-prefix'] : (io.env[topicPrefixVariable] ?? '');
  return { dir, registryUrl, topicFor: topicsWithPrefix(prefix) };
};

const print = (io: Io, lines: readonly string[]) => {
  if (lines.length > 0) io.out(lines.join('\n'));
};

const check: LeafCommand = {
  name: 'check',
  summary: 'the compatibility gate: every version under its level, every consumer against every writer, then the registry',
  usage: 'tributary schemas check [--dir <folder>] [--registry <url> | --no-registry] [--topic-prefix <prefix>]',
  options: { ...dirOption, ...registryOption, 'no-registry': { type: 'boolean' }, ...prefixOption },
  optionHelp: { dir: dirHelp, registry: registryHelp, 'no-registry': 'check locally only', 'topic-prefix': prefixHelp },
  details: [
    'Locally, with Avro schema resolution: each event type\'s versions under its level from',
    'compatibility.json, and each consumer\'s reader version from consumers.json against every version',
    'on disk. Then, when the registry answers, each version it does not hold yet is checked against its',
    'subject there; an unreachable registry is reported and skipped. Exit code 1 on any failure.',
    '',
    environmentHelp,
  ].join('\n'),
  run: async (invocation) => {
    const { io, values } = invocation;
    const { dir, registryUrl, topicFor } = settings(invocation);
    const result = checkSchemas({ dir, topicFor });
    print(io, formatGate(result));
    let failures = result.problems.length;
    if (values['no-registry'] === true) {
      io.out('registry: skipped (--no-registry)');
    } else if (!(await registryReachable(registryUrl))) {
      io.out(`registry: not reachable at ${registryUrl}, skipped`);
    } else {
      const checks = await checkAgainstRegistry({ registryUrl, dir, topicFor });
      print(io, formatRegistryCheck(registryUrl, checks));
      failures += registryFailures(checks);
    }
    io.out(failures === 0 ? 'schemas check: ok' : `schemas check: ${failures} ${failures === 1 ? 'failure' : 'failures'}`);
    return failures === 0 ? 0 : 1;
  },
};

const register: LeafCommand = {
  name: 'register',
  summary: 'register every schema version in order and set each subject\'s compatibility level',
  usage: 'tributary schemas register [--registry <url>] [--dir <folder>] [--topic-prefix <prefix>]',
  options: { ...registryOption, ...dirOption, ...prefixOption },
  optionHelp: { registry: registryHelp, dir: dirHelp, 'topic-prefix': prefixHelp },
  details: [
    'Sets each subject\'s level from compatibility.json first, so the registry holds every new version',
    'to it, then registers the versions not registered yet, oldest first. A second run reports',
    '"nothing new". A version the registry refuses stops its subject; exit code 1.',
    '',
    environmentHelp,
  ].join('\n'),
  run: async (invocation) => {
    const { io } = invocation;
    const { dir, registryUrl, topicFor } = settings(invocation);
    io.err(`schemas: registering into ${registryUrl}`);
    const result = await registerSchemas({ registryUrl, dir, topicFor, onOutcome: (outcome) => io.out(formatOutcome(outcome)) });
    const summary = formatRegisterSummary(result.levels, result.versions);
    if (result.failed) io.err(summary);
    else io.out(summary);
    return result.failed ? 1 : 0;
  },
};

const codegen: LeafCommand = {
  name: 'codegen',
  summary: 'generate TypeScript types from the schemas into libs/contracts/src/generated',
  usage: 'tributary schemas codegen [--check] [--dir <folder>] [--out <folder>]',
  options: { check: { type: 'boolean' }, ...dirOption, out: { type: 'string' } },
  optionHelp: { check: 'write nothing; exit code 1 when the generated files are stale', dir: dirHelp, out: 'where the files go (default libs/contracts/src/generated)' },
  details: 'One file per stream (OrderPlacedV1, OrderPlacedV2, OrderPlaced = the newest, OrdersEvents) and an index\nwith EventPayloads; also `npm run codegen`.',
  run: async (invocation) => {
    const { io, values } = invocation;
    const { dir } = settings(invocation);
    const out = typeof values['out'] === 'string' ? path.resolve(values['out']) : generatedDir();
    const files = generateFromSchemas(dir);
    const stale = values['check'] === true ? staleGeneratedFiles(files, out) : writeGeneratedFiles(files, out);
    const verb = values['check'] === true ? 'stale' : 'wrote';
    print(io, stale.map(({ file, reason }) => `${verb} ${path.join(out, file)} (${reason === 'unexpected' ? (values['check'] === true ? 'not generated' : 'removed') : reason})`));
    if (stale.length === 0) io.out(`generated types in ${out} are up to date`);
    return Promise.resolve(values['check'] === true && stale.length > 0 ? 1 : 0);
  },
};

export const schemasCommand: Command = {
  name: 'schemas',
  summary: 'event contracts: compatibility gate, registration, generated types',
  subcommands: [check, register, codegen],
};
