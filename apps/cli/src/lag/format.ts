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
