/**
 * Keeps the partitions a replay reads level in time. An order's events sit on three topics, and a
 * fetch hands every partition the same number of bytes, so without pacing the inventory and
 * payments partitions race tens of thousands of orders ahead of the orders partitions (which carry
 * two events per order). Their documents are then held, or written early and again later. Paced,
 * an order's events arrive close together and the write-behind buffer writes its document once.
 */
export interface Pacer {
  /** What a folded batch says about its partition: the time of its last record, and whether it reached the end. */
  observe(partition: string, lastTimestamp: number, atEnd: boolean): void;
  /** The partitions to pause (ahead of the slowest by more than the lead) and to resume (no longer ahead). */
  decide(): { pause: string[]; resume: string[] };
}

export const createPacer = (leadMs: number): Pacer => {
  const reached = new Map<string, { at: number; atEnd: boolean }>();
  const paused = new Set<string>();
  return {
    observe(partition, lastTimestamp, atEnd) {
      reached.set(partition, { at: lastTimestamp, atEnd });
    },
    decide() {
      // A partition at its end has nothing more to give and must not hold the others back.
      const moving = [...reached.values()].filter((p) => !p.atEnd).map((p) => p.at);
      const slowest = moving.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...moving);
      const pause: string[] = [];
      const resume: string[] = [];
      for (const [partition, { at, atEnd }] of reached) {
        const ahead = !atEnd && at > slowest + leadMs;
        if (ahead && !paused.has(partition)) {
          paused.add(partition);
          pause.push(partition);
        } else if (!ahead && paused.has(partition)) {
          paused.delete(partition);
          resume.push(partition);
        }
      }
      return { pause, resume };
    },
  };
};
