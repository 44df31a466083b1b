import { TributaryError } from '@tributary/errors';
import type { ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { readProvenance } from '../dead-letter.ts';
import { message, testStage } from './fakes.ts';
import { createParker } from './park-stage.ts';

describe('the park stage', () => {
  it("sends the record to its topic's dead-letter topic with acks from every replica and its provenance", async () => {
    const sent: ProducerRecord[] = [];
    const stage = testStage();
    const park = createParker(stage, { send: (record) => Promise.resolve(sent.push(record)).then(() => []) });
    const firstFailureAt = new Date('2026-01-01T00:00:00Z');
    await park('orders', 1, message(5, 'payload', { 'event-id': 'e-5' }), { error: new TributaryError('VALIDATION_FAILED', 'bad order'), attempts: 2, firstFailureAt });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ topic: 'orders.dlq', acks: -1 });
    const parked = sent[0]?.messages[0];
    expect(parked?.value?.toString()).toBe('payload');
    expect(readProvenance(parked?.headers ?? {})).toMatchObject({
      originalTopic: 'orders',
      originalPartition: 1,
      originalOffset: '5',
      consumerGroup: 'g',
      errorCode: 'VALIDATION_FAILED',
      errorMessage: 'bad order',
      attempts: 2,
      firstFailureAt: firstFailureAt.toISOString(),
    });
    expect(await stage.registry.getSingleMetricAsString('consumer_dead_lettered_total')).toMatch(/code="VALIDATION_FAILED"[^\n]* 1/);
    expect(stage.logged()).toMatch(/parked a record in the dead-letter topic.*e-5|e-5.*parked a record/);
  });
});
