import { describe, expect, it } from 'vitest';
import type { RunResult } from './projection-contenders.ts';
import { formatProjectionReport } from './projection-report.ts';

const run = (seconds: number, batches: number[] = [], phases: Record<string, number> = {}, events = 1_000): RunResult => ({ seconds, events, timeBoxed: events < 1_000, batches, maxInFlight: 1, phases });

describe('the projection report', () => {
  it('prints each contender in events per second and the ratios against the targets', () => {
    const lines = formatProjectionReport({
      events: 1_000,
      partitions: 6,
      rounds: 2,
      batchSize: 250,
      concurrency: 3,
      runs: {
        projector: [run(1, [250, 250, 250, 250], { handleBatch: 500 }), run(1, [500, 500], { handleBatch: 500 })],
        decodeOnly: [run(0.5, [500, 500]), run(0.5)],
        upsertCeiling: [run(2), run(2)],
        insertCeiling: [run(0.8), run(0.8)],
        naive: [run(2, [], {}, 100), run(2, [], {}, 100)],
      },
    });
    expect(lines[1]).toBe('projector batches: avg 333.3 events (min 250, max 500, 3.0 per run), up to 3 in flight; kafkajs eachBatch batches: avg 500.0');
    expect(lines.find((l) => l.startsWith('projector: '))).toMatch(/ 1,000 events\/s$/);
    expect(lines.find((l) => l.startsWith('(c) naive'))).toMatch(/ 50 events\/s {3}time-boxed at 2\.0 s: 100, 100 of 1,000 events$/);
    expect(lines).toContain('projector / decode-only          0.50');
    expect(lines).toContain('projector / ceiling (upserts)    2.00   target >= 0.8: met');
    expect(lines).toContain('projector / ceiling (inserts)    0.80   target >= 0.8: met');
    expect(lines).toContain('projector / naive                20.00   target >= 10: met');
    expect(lines.find((l) => l.startsWith('projector time'))).toContain('handleBatch 500 ms, wall 1,000 ms; handleBatch 50% of wall');
  });

  it('says by how much a target is missed', () => {
    const lines = formatProjectionReport({
      events: 100,
      partitions: 1,
      rounds: 1,
      batchSize: 100,
      concurrency: 1,
      runs: { projector: [run(1, [100], {}, 100)], decodeOnly: [run(1, [], {}, 100)], upsertCeiling: [run(0.5, [], {}, 100)], insertCeiling: [run(0.5, [], {}, 100)], naive: [run(5, [], {}, 100)] },
    });
    expect(lines).toContain('projector / ceiling (upserts)    0.50   target >= 0.8: missed by 38% (0.50 of 0.8)');
    expect(lines).toContain('projector / naive                5.00   target >= 10: missed by 50% (5.00 of 10)');
  });
});
