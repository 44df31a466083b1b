/** Compatibility levels, named as Confluent Schema Registry (and Apicurio's ccompat API) name them. */
export const compatibilityLevels = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'] as const;

export type CompatibilityLevel = (typeof compatibilityLevels)[number];

export const isCompatibilityLevel = (value: unknown): value is CompatibilityLevel =>
  typeof value === 'string' && (compatibilityLevels as readonly string[]).includes(value);

/** One check: records written with `writer` must be readable with `reader`. */
export interface ReadPair {
  readonly reader: number;
  readonly writer: number;
}

/**
 * The reader/writer pairs a level demands of a subject's versions. BACKWARD: each version reads
 * the one before it (consumers upgrade first); FORWARD: each version is readable by the one
 * before it (producers upgrade first); FULL: both. The _TRANSITIVE forms reach every earlier
 * version, not only the previous one.
 */
export const pairsFor = (level: CompatibilityLevel, versions: readonly number[]): ReadPair[] => {
  const sorted = [...new Set(versions)].sort((a, b) => a - b);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const transitive = level.endsWith('_TRANSITIVE');
  const pairs: ReadPair[] = [];
  sorted.forEach((newer, index) => {
    const earlier = transitive ? sorted.slice(0, index) : sorted.slice(Math.max(0, index - 1), index);
    for (const older of earlier) {
      if (backward) pairs.push({ reader: newer, writer: older });
      if (forward) pairs.push({ reader: older, writer: newer });
    }
  });
  return pairs;
};
