import { TributaryError } from '@tributary/errors';
import { describe, expect, it } from 'vitest';
import { batchPayload, message, testStage } from './fakes.ts';
import { handleWithRetry } from './handle-stage.ts';
import type { ConsumedEvent } from './stage.ts';

const events: ConsumedEvent<unknown>[] = [{ topic: 't', partition: 0, offset: '0', key: 'k', timestamp: '0', headers: {}, event: { eventType: 'Test', fullName: 'test.Test', schemaId: 1, payload: {} } }];
const where = { topic: 't', partition: 0 };
const failing = (...errors: Error[]) => {
  let calls = 0;
  return {
    handler: () => {
      const error = errors[calls];
      calls += 1;
      return error ? Promise.reject(error) : Promise.resolve();
    },
    calls: () => calls,
  };
};

describe('the handle stage', () => {
  it('is done when the handler succeeds, without calling it for an empty batch', async () => {
    const { handler, calls } = failing();
    expect(await handleWithRetry(testStage(), handler, [], where, batchPayload([]))).toEqual({ kind: 'done' });
    expect(calls()).toBe(0);
    expect(await handleWithRetry(testStage(), handler, events, where, batchPayload([message(0, 'a')]))).toEqual({ kind: 'done' });
  });

  it('retries a transient failure in place and succeeds', async () => {
    const { handler, calls } = failing(new TributaryError('STORE_UNAVAILABLE', 'store away'));
    const stage = testStage();
    expect(await handleWithRetry(stage, handler, events, where, batchPayload([]))).toEqual({ kind: 'done' });
    expect(calls()).toBe(2);
    expect(stage.logged()).toMatch(/transient failure, retrying/);
  });

  it('asks for a pause once retries run out, and at once when the breaker is open', async () => {
    const away = new TributaryError('STORE_UNAVAILABLE', 'store away');
    expect(await handleWithRetry(testStage(), failing(away, away, away).handler, events, where, batchPayload([]))).toMatchObject({ kind: 'pause', error: { code: 'STORE_UNAVAILABLE' } });
    const open = failing(new TributaryError('CIRCUIT_OPEN', 'open'));
    expect(await handleWithRetry(testStage(), open.handler, events, where, batchPayload([]))).toMatchObject({ kind: 'pause', error: { code: 'CIRCUIT_OPEN' } });
    expect(open.calls()).toBe(1);
  });

  it('dead-letters a record its handler cannot handle, with the attempts and the time of the first failure', async () => {
    const result = await handleWithRetry(testStage(), failing(new TributaryError('VALIDATION_FAILED', 'bad order')).handler, events, where, batchPayload([]));
    expect(result).toMatchObject({ kind: 'deadLetter', attempts: 1, error: { code: 'VALIDATION_FAILED' } });
    expect(result.kind === 'deadLetter' && result.firstFailureAt).toBeInstanceOf(Date);
  });

  it('skips events not for this handler and counts them', async () => {
    const stage = testStage();
    expect(await handleWithRetry(stage, failing(new TributaryError('EVENT_NOT_APPLICABLE', 'not mine')).handler, events, where, batchPayload([]))).toEqual({ kind: 'done' });
    expect(await stage.registry.getSingleMetricAsString('consumer_records_skipped_total')).toMatch(/code="EVENT_NOT_APPLICABLE"[^\n]* 1/);
  });

  it('stops retrying when the partition is taken away', async () => {
    const payload = batchPayload([]);
    payload.stale = true;
    expect(await handleWithRetry(testStage(), failing(new TributaryError('STORE_UNAVAILABLE', 'away')).handler, events, where, payload)).toEqual({ kind: 'stopping' });
  });
});
