import { describe, expect, it } from 'vitest';
import { createCommitter, observeCommittedBatch } from './commit-stage.ts';
import { batchPayload, message, testStage } from './fakes.ts';

describe('the commit stage', () => {
  it('resolves the offset and commits the position just past it', async () => {
    const commits: unknown[] = [];
    const payload = batchPayload([]);
    await createCommitter({ commitOffsets: (offsets) => Promise.resolve(void commits.push(...offsets)) })({ topic: 't', partition: 1 }, '41', payload);
    expect(payload.resolved).toEqual(['41']);
    expect(commits).toEqual([{ topic: 't', partition: 1, offset: '42' }]);
  });

  it("records a committed batch's size and the lag it leaves", async () => {
    const stage = testStage();
    observeCommittedBatch(stage, { topic: 't', partition: 0, messages: [message(0, 'a'), message(1, 'b')], highWatermark: '5' }, process.hrtime.bigint());
    expect(await stage.registry.getSingleMetricAsString('consumer_records_processed_total')).toMatch(/partition="0"[^\n]* 2/);
    expect(await stage.registry.getSingleMetricAsString('consumer_lag')).toMatch(/partition="0"[^\n]* 3/);
  });
});
