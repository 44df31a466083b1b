import type { GateResult, LevelOutcome, RegistrySubjectCheck, VersionOutcome } from '@tributary/contracts';

/** Text for `tributary schemas ...`: pure, so the wording is tested without a registry. */

const versionRange = (versions: readonly number[]): string =>
  versions.length === 1 ? `v${versions[0]}` : `v${versions[0]}..v${versions.at(-1)}`;

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

export const formatGate = (result: GateResult): string[] => {
  const width = Math.max(0, ...result.subjects.map((s) => s.subject.length));
  const lines: string[] = [];
  for (const subject of result.subjects) {
    const status = subject.problems.length === 0 ? 'ok  ' : 'FAIL';
    lines.push(`${status}  ${subject.subject.padEnd(width)}  ${subject.level.padEnd(19)}  ${versionRange(subject.versions)} (${plural(subject.pairs.length, 'check')})`);
    for (const problem of subject.problems) lines.push(`      ${problem.message}`);
  }
  for (const consumer of result.consumers) {
    const status = consumer.problems.length === 0 ? 'ok  ' : 'FAIL';
    const reader = consumer.readerVersion === undefined ? '' : ` v${consumer.readerVersion}`;
    lines.push(`${status}  consumer ${consumer.consumer} reads ${consumer.eventType}${reader} from ${consumer.stream}, written as ${consumer.writerVersions.map((v) => `v${v}`).join(', ') || 'nothing'}`);
    for (const problem of consumer.problems) lines.push(`      ${problem.message}`);
  }
  return lines;
};

export const registryFailures = (checks: readonly RegistrySubjectCheck[]): number =>
  checks.reduce((count, check) => count + check.versions.filter((v) => v.state === 'incompatible').length, 0);

export const formatRegistryCheck = (registryUrl: string, checks: readonly RegistrySubjectCheck[]): string[] => {
  const width = Math.max(0, ...checks.map((c) => c.subject.length));
  const lines = [`registry ${registryUrl}:`];
  for (const check of checks) {
    const failed = check.versions.some((v) => v.state === 'incompatible');
    const states = check.versions.map((v) => `v${v.version} ${v.state === 'registered' ? `registered (version ${v.registryVersion})` : v.state}`).join(', ');
    lines.push(`${failed ? 'FAIL' : 'ok  '}  ${check.subject.padEnd(width)}  ${states}`);
    for (const version of check.versions) if (version.message) lines.push(`      ${version.message}`);
    // A subject the registry has no version of yet gets its level with its first registration.
    if (check.registryLevel !== check.level && check.versions.some((v) => v.state === 'registered')) {
      lines.push(`      note: the registry applies ${check.registryLevel ?? 'no level'} to this subject, compatibility.json says ${check.level}; \`tributary schemas register\` sets it`);
    }
  }
  return lines;
};

export const formatOutcome = (outcome: LevelOutcome | VersionOutcome): string => {
  if ('level' in outcome) {
    return outcome.outcome === 'set'
      ? `${outcome.subject}  level ${outcome.level} set (was ${outcome.previous ?? 'unset'})`
      : `${outcome.subject}  level ${outcome.level} unchanged`;
  }
  const where = outcome.id === undefined ? '' : ` (registry version ${outcome.registryVersion}, id ${outcome.id})`;
  const why = outcome.message ? `: ${outcome.message}` : '';
  return `${outcome.subject}  v${outcome.version} ${outcome.outcome}${where}${why}`;
};

export const formatRegisterSummary = (levels: readonly LevelOutcome[], versions: readonly VersionOutcome[]): string => {
  const count = (outcome: VersionOutcome['outcome']) => versions.filter((v) => v.outcome === outcome).length;
  const levelsSet = levels.filter((l) => l.outcome === 'set').length;
  const refused = versions.filter((v) => v.outcome === 'refused');
  if (refused.length > 0) {
    return refused.map((v) => `refused: the registry will not take ${v.subject} v${v.version}${v.message ? ` (${v.message})` : ''}; nothing after it in that subject was registered`).join('\n');
  }
  if (count('registered') === 0 && levelsSet === 0) return `nothing new: ${plural(count('unchanged'), 'version')} already registered, ${plural(levels.length, 'level')} already set`;
  return `registered ${plural(count('registered'), 'version')} (${count('unchanged')} unchanged), set ${plural(levelsSet, 'level')}`;
};
