import { TributaryError } from '@tributary/errors';
import { noTracing, recordingTracing } from '@tributary/tracing';
import { describe, expect, it } from 'vitest';
import { createBatchHandler, type BatchStages } from './batch-handler.ts';
import { batchPayload, jsonCodec, message, testStage } from './fakes.ts';
import type { ConsumedEvent } from './stage.ts';

/** Stages that write down what they were asked; the handler fails for the texts in `rejects` (dead-letter) or `transient`. */
const stagesFor = (failures: { rejects?: string[]; transient?: string[]; deadLetterHookFails?: boolean } = {}, tracer = noTracing.tracer) => {
  const steps: string[] = [];
  const textOf = (event: ConsumedEvent<unknown>) => (event.event.payload as { text: string }).text;
  const stages: BatchStages<unknown> = {
    stage: testStage(),
    codec: jsonCodec(),
    handler: (events) => {
      const texts = events.map(textOf);
      if (texts.some((text) => failures.transient?.includes(text))) return Promise.reject(new TributaryError('STORE_UNAVAILABLE', 'away'));
      if (texts.some((text) => failures.rejects?.includes(text))) return Promise.reject(new TributaryError('VALIDATION_FAILED', 'bad'));
      steps.push(`handle ${texts.join(',')}`);
      return Promise.resolve();
    },
    park: (_topic, _partition, parked, failure) => Promise.resolve(void steps.push(`park ${parked.offset} ${failure.error.code}`)),
    pause: ({ fromOffset }, error) => void steps.push(`pause ${fromOffset} ${error.code}`),
    commit: (_where, offset) => Promise.resolve(void steps.push(`commit ${offset}`)),
    tracer,
    onDeadLetter: (event) => {
      steps.push(`state failure of ${event.offset}`);
      return failures.deadLetterHookFails ? Promise.reject(new TributaryError('KAFKA_UNAVAILABLE', 'cannot publish')) : Promise.resolve();
    },
  };
  return { stages, steps };
};

const parentTrace = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('a batch through the stages', () => {
  it('handles a batch whole, parks the records that did not decode and commits past its end', async () => {
    const { stages, steps } = stagesFor();
    await createBatchHandler(stages)(batchPayload([message(0, 'a'), message(1, 'bad'), message(2, 'c')], { lastOffset: '3' }));
    expect(steps).toEqual(['handle a,c', 'park 1 DECODE_FAILED', 'commit 3']);
  });

  it('finds the record it cannot handle one at a time, parks it, states its failure and commits each record', async () => {
    const { stages, steps } = stagesFor({ rejects: ['b'] });
    await createBatchHandler(stages)(batchPayload([message(0, 'a'), message(1, 'b'), message(2, 'c')]));
    expect(steps).toEqual(['handle a', 'commit 0', 'park 1 VALIDATION_FAILED', 'state failure of 1', 'commit 1', 'handle c', 'commit 2', 'commit 2']);
  });

  it('pauses at a parked record whose failure could not be stated, so it is handled again', async () => {
    const { stages, steps } = stagesFor({ rejects: ['b'], deadLetterHookFails: true });
    await createBatchHandler(stages)(batchPayload([message(0, 'a'), message(1, 'b'), message(2, 'c')]));
    expect(steps).toEqual(['handle a', 'commit 0', 'park 1 VALIDATION_FAILED', 'state failure of 1', 'pause 1 KAFKA_UNAVAILABLE']);
  });

  it('pauses from the first record when the whole batch keeps failing for a transient reason', async () => {
    const { stages, steps } = stagesFor({ transient: ['a'] });
    await createBatchHandler(stages)(batchPayload([message(4, 'a'), message(5, 'b')]));
    expect(steps).toEqual(['pause 4 STORE_UNAVAILABLE']);
  });

  it('does nothing with a batch whose partition was taken away, or an empty one', async () => {
    const { stages, steps } = stagesFor();
    const taken = batchPayload([message(0, 'a')]);
    taken.stale = true;
    await createBatchHandler(stages)(taken);
    await createBatchHandler(stages)(batchPayload([]));
    expect(steps).toEqual([]);
  });

  it('makes a process span per record, a child of the span that published it, and hands the handler its traceparent', async () => {
    const tracing = recordingTracing('runner-test');
    const seen: string[] = [];
    const { stages } = stagesFor({ rejects: ['b'] }, tracing.tracer);
    const handler = stages.handler;
    stages.handler = (events) => {
      seen.push(...events.map((event) => event.headers['traceparent'] ?? ''));
      return handler(events);
    };
    await createBatchHandler(stages)(batchPayload([message(0, 'a', { traceparent: parentTrace }), message(1, 'b', { traceparent: 'not-a-traceparent' })]));
    const spans = tracing.spans();
    expect(spans.map((span) => span.name)).toEqual(['process t', 'process t']);
    const [fromParent, fresh] = [spans.find((span) => span.attributes['messaging.kafka.offset'] === 0), spans.find((span) => span.attributes['messaging.kafka.offset'] === 1)];
    expect(fromParent?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(fromParent?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(fromParent?.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': 't', 'messaging.consumer.group.name': 'g', 'messaging.operation.type': 'process' });
    // A malformed traceparent starts a trace of its own, and the dead-lettered record's span says it failed.
    expect(fresh?.parentSpanContext).toBeUndefined();
    expect(fresh?.status.code).toBe(2);
    expect(seen[0]).toBe(`00-0af7651916cd43dd8448eb211c80319c-${fromParent?.spanContext().spanId}-01`);
  });
});

