/**
 * Applied positions: each read-model document records, per topic and partition, the offset of the
 * last event it has applied. An event at or below that offset was applied before (a redelivery or
 * a replay) and changes nothing. Stored as a list, since topic names may contain dots.
 */
export interface Position {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export const appliedOffset = (positions: readonly Position[], topic: string, partition: number): bigint | undefined => {
  const found = positions.find((p) => p.topic === topic && p.partition === partition);
  return found ? BigInt(found.offset) : undefined;
};

export const isApplied = (positions: readonly Position[], event: Position): boolean => {
  const applied = appliedOffset(positions, event.topic, event.partition);
  return applied !== undefined && BigInt(event.offset) <= applied;
};

export const advance = (positions: readonly Position[], event: Position): Position[] => [
  ...positions.filter((p) => p.topic !== event.topic || p.partition !== event.partition),
  { topic: event.topic, partition: event.partition, offset: event.offset },
];
