/** What the broker says about one consumer group, gathered by lag/backbone.ts. */
export interface GroupSnapshot {
  groupId: string;
  state: string;
  members: MemberSnapshot[];
  /** Committed offsets; kafkajs reports "-1" for a partition without one. */
  committed: { topic: string; partition: number; offset: string }[];
  /** End (last stable) and start offsets of every topic the group commits to or is assigned. */
  ends: Record<string, { partition: number; high: string; low: string }[]>;
}

export interface MemberSnapshot {
  memberId: string;
  clientId: string;
  host: string;
  assignment: Record<string, number[]>;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Null when the group has never committed in this partition. */
  committed: string | null;
  end: string;
  lag: number;
  /** Which member (#1, #2, ... in member order) holds the partition now. */
  owner: string | null;
}

export interface GroupLag {
  groupId: string;
  state: string;
  members: (MemberSnapshot & { label: string })[];
  partitions: PartitionLag[];
  topics: { topic: string; lag: number }[];
  totalLag: number;
}

/**
 * Records between where the group resumes and the end. A partition without a commit counts its
 * whole retained log, since our consumers start from the earliest offset; so does a commit below
 * the log start (retention deleted what it pointed at), which makes the consumer reset there.
 */
export const partitionLag = (committed: bigint | null, high: bigint, low: bigint): bigint => {
  const resumeAt = committed === null || committed < low ? low : committed;
  return high > resumeAt ? high - resumeAt : 0n;
};

export const computeGroupLag = (snapshot: GroupSnapshot): GroupLag => {
  const members = [...snapshot.members]
    .sort((a, b) => a.memberId.localeCompare(b.memberId))
    .map((member, index) => ({ ...member, label: `#${index + 1}` }));
  const owners = new Map<string, string>();
  for (const member of members) {
    for (const [topic, partitions] of Object.entries(member.assignment)) for (const partition of partitions) owners.set(`${topic}:${partition}`, member.label);
  }
  const committed = new Map(snapshot.committed.filter((c) => BigInt(c.offset) >= 0n).map((c) => [`${c.topic}:${c.partition}`, BigInt(c.offset)]));
  const topics = new Set([...snapshot.committed.filter((c) => BigInt(c.offset) >= 0n).map((c) => c.topic), ...members.flatMap((m) => Object.keys(m.assignment))]);

  const partitions: PartitionLag[] = [];
  for (const topic of [...topics].sort()) {
    for (const { partition, high, low } of [...(snapshot.ends[topic] ?? [])].sort((a, b) => a.partition - b.partition)) {
      const key = `${topic}:${partition}`;
      const at = committed.get(key) ?? null;
      partitions.push({ topic, partition, committed: at === null ? null : at.toString(), end: high, lag: Number(partitionLag(at, BigInt(high), BigInt(low))), owner: owners.get(key) ?? null });
    }
  }
  const perTopic = [...topics].sort().map((topic) => ({ topic, lag: partitions.filter((p) => p.topic === topic).reduce((sum, p) => sum + p.lag, 0) }));
  return {
    groupId: snapshot.groupId,
    state: snapshot.state,
    members,
    partitions,
    topics: perTopic,
    totalLag: perTopic.reduce((sum, t) => sum + t.lag, 0),
  };
};
