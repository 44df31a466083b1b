import { formatTable } from '../table.ts';
import type { GroupLag } from './lag.ts';

const count = (value: number): string => value.toLocaleString('en-US');

const assigned = (assignment: Record<string, number[]>): string => {
  const entries = Object.entries(assignment).filter(([, partitions]) => partitions.length > 0);
  return entries.length === 0 ? '(no partitions)' : entries.map(([topic, partitions]) => `${topic}[${[...partitions].sort((a, b) => a - b).join(',')}]`).join(' ');
};

/** One group as `tributary lag` prints it: a title line, its members, then a table per partition. */
export const formatGroupLag = (group: GroupLag): string[] => {
  const lines = [`group ${group.groupId}  state ${group.state}  members ${group.members.length}  total lag ${count(group.totalLag)}`];
  if (group.members.length > 0) {
    lines.push(...formatTable(['  MEMBER', 'CLIENT', 'HOST', 'PARTITIONS', 'MEMBER ID'], group.members.map((m) => [`  ${m.label}`, m.clientId, m.host, assigned(m.assignment), m.memberId])));
  }
  if (group.partitions.length === 0) {
    lines.push('  (no committed offsets and no assigned partitions)');
    return lines;
  }
  lines.push(
    ...formatTable(
      ['  TOPIC', 'PARTITION', 'COMMITTED', 'END', 'LAG', 'OWNER'],
      group.partitions.map((p) => [`  ${p.topic}`, String(p.partition), p.committed ?? '-', p.end, count(p.lag), p.owner ?? '-']),
    ),
  );
  if (group.topics.length > 1) lines.push(`  lag per topic: ${group.topics.map((t) => `${t.topic} ${count(t.lag)}`).join(', ')}`);
  return lines;
};

const sharedPrefix = (a: string, b: string): number => {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n += 1;
  return n;
};

/**
 * The groups to name when the one asked for does not exist: those whose names start most like it
 * first (a mistyped suffix finds its group at the head of a long list), then alphabetically; past
 * `shown`, only how many more there are.
 */
export const formatKnownGroups = (asked: string, known: readonly string[], shown = 20): string => {
  const ordered = [...known].sort((a, b) => sharedPrefix(b, asked) - sharedPrefix(a, asked) || a.localeCompare(b));
  return ordered.length > shown ? `${ordered.slice(0, shown).join(', ')} and ${ordered.length - shown} more` : ordered.join(', ');
};
