import type { ResolutionProblem } from './resolution.ts';

export interface PairContext {
  readonly eventType: string;
  readonly readerVersion: number;
  readonly writerVersion: number;
}

const field = (path: string): string => (path ? `field \`${path}\`` : 'the record');

/**
 * One sentence per problem, told from the newer version's side ("v3 removes field ..."), then who
 * is hurt: old consumers meeting new records, or new consumers meeting old records.
 */
export const describeProblem = ({ eventType, readerVersion, writerVersion }: PairContext, problem: ResolutionProblem): string => {
  const readerIsNewer = readerVersion > writerVersion;
  const newer = Math.max(readerVersion, writerVersion);
  const who = readerIsNewer ? `v${readerVersion} consumers cannot read v${writerVersion} records` : `consumers on v${readerVersion} cannot read v${writerVersion}`;
  const change = (older: string, newest: string) => (readerIsNewer ? { from: older, to: newest } : { from: newest, to: older });
  const subject = `${eventType} v${newer}`;
  switch (problem.kind) {
    case 'missing-field':
      return readerIsNewer
        ? `${subject} adds ${field(problem.path)} without a default: ${who}`
        : `${subject} removes ${field(problem.path)} which has no default: ${who}`;
    case 'type-changed': {
      const { from, to } = change(problem.writer, problem.reader);
      return `${subject} changes ${field(problem.path)} from ${from} to ${to}: ${who}`;
    }
    case 'union-branch': {
      const { from, to } = change(problem.writer, problem.reader);
      return `${subject} changes ${field(problem.path)} from ${from} to ${to}, and a ${problem.branch} value cannot be read as ${problem.reader}: ${who}`;
    }
    case 'enum-symbol':
      return readerIsNewer
        ? `${subject} removes symbol \`${problem.symbol}\` from enum \`${problem.enumName}\` which has no default: ${who}`
        : `${subject} adds symbol \`${problem.symbol}\` to enum \`${problem.enumName}\` which has no default: ${who}`;
    case 'name-changed': {
      const { from, to } = change(problem.writer, problem.reader);
      return `${subject} renames \`${from}\` to \`${to}\`${problem.path ? ` in ${field(problem.path)}` : ''} without an alias for the old name: ${who}`;
    }
    case 'fixed-size': {
      const { from, to } = change(String(problem.writer), String(problem.reader));
      return `${subject} changes the size of fixed \`${problem.name}\` in ${field(problem.path)} from ${from} to ${to} bytes: ${who}`;
    }
    case 'resolver':
      return `${eventType} v${readerVersion} cannot read v${writerVersion} records (avsc: ${problem.message}): ${who}`;
  }
};
