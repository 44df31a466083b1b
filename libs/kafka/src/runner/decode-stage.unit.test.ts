import { describe, expect, it } from 'vitest';
import { decodeBatch, decodeRecord, decodesNow } from './decode-stage.ts';
import { batchPayload, jsonCodec, message, testStage } from './fakes.ts';

describe('the decode stage', () => {
  it('turns a record into a consumed event with its position, key and headers', async () => {
    const decoded = await decodeRecord(jsonCodec(), 't', 2, message(7, 'hello', { 'event-id': 'e-1' }));
    expect(decoded).toMatchObject({ ok: true, value: { topic: 't', partition: 2, offset: '7', key: 'k-7', headers: { 'event-id': 'e-1' }, event: { payload: { text: 'hello' } } } });
  });

  it('marks a record bad in itself as not transient, so it is parked rather than retried', async () => {
    expect(await decodeRecord(jsonCodec(), 't', 0, message(0, 'bad'))).toMatchObject({ ok: false, transient: false, error: { code: 'DECODE_FAILED' } });
  });

  it('decodes a batch with its bad records among the good ones', async () => {
    const batch = { topic: 't', partition: 0, messages: [message(0, 'a'), message(1, 'bad'), message(2, 'c')] };
    const result = await decodeBatch(testStage(), jsonCodec(), batch, batchPayload(batch.messages));
    expect(result.kind === 'done' && result.records.map((record) => record.ok)).toEqual([true, false, true]);
  });

  it('retries a record the registry cannot answer for yet, and decodes it once it can', async () => {
    const state = { registryUp: false };
    const stage = testStage();
    const batch = { topic: 't', partition: 0, messages: [message(0, 'registry-down')] };
    const payload = batchPayload(batch.messages);
    let beats = 0;
    payload.heartbeat = () => {
      beats += 1;
      state.registryUp = true;
      return Promise.resolve();
    };
    expect((await decodeBatch(stage, jsonCodec(state), batch, payload)).kind).toBe('done');
    expect(beats).toBe(1);
    expect(stage.logged()).toMatch(/cannot decode records yet, retrying/);
  });

  it('asks for a pause once the retries run out, and stops when the partition is taken away meanwhile', async () => {
    const batch = { topic: 't', partition: 0, messages: [message(0, 'registry-down')] };
    expect(await decodeBatch(testStage(), jsonCodec({ registryUp: false }), batch, batchPayload(batch.messages))).toMatchObject({ kind: 'pause', unreadable: { error: { code: 'REGISTRY_UNAVAILABLE' } } });
    const taken = batchPayload(batch.messages);
    taken.stale = true;
    expect((await decodeBatch(testStage(), jsonCodec({ registryUp: false }), batch, taken)).kind).toBe('stopping');
  });

  it('probes a paused record: fails while the registry is away, passes once it answers or the record proves bad', async () => {
    const state = { registryUp: false };
    expect(await decodesNow(jsonCodec(state), message(0, 'registry-down'))()).toBe(false);
    state.registryUp = true;
    expect(await decodesNow(jsonCodec(state), message(0, 'registry-down'))()).toBe(true);
    expect(await decodesNow(jsonCodec(state), message(0, 'bad'))()).toBe(true);
  });
});
