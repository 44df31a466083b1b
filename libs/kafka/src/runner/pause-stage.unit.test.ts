import { TributaryError } from '@tributary/errors';
import { describe, expect, it } from 'vitest';
import { batchPayload, testStage } from './fakes.ts';
import { createPauser } from './pause-stage.ts';

const fakes = () => {
  const seeks: unknown[] = [];
  const holds: { topic: string; partition: number; probe: () => Promise<boolean>; firstCheckAfterMs?: number }[] = [];
  return {
    seeks,
    holds,
    consumer: { seek: (to: unknown) => void seeks.push(to) },
    pauses: { hold: (topic: string, partition: number, _resume: () => void, probe: () => Promise<boolean>, firstCheckAfterMs?: number) => void holds.push({ topic, partition, probe, firstCheckAfterMs }) },
  };
};
const error = new TributaryError('STORE_UNAVAILABLE', 'store away');

describe('the pause stage', () => {
  it("pauses the partition, seeks back to the first unhandled record and waits on the service's probe", () => {
    const { consumer, pauses, seeks, holds } = fakes();
    const serviceProbe = () => Promise.resolve(false);
    const payload = batchPayload([]);
    const stage = testStage();
    createPauser(stage, consumer, pauses, serviceProbe)({ topic: 't', partition: 3, fromOffset: '42' }, error, payload);
    expect(payload.paused).toBe(1);
    expect(seeks).toEqual([{ topic: 't', partition: 3, offset: '42' }]);
    expect(holds[0]).toMatchObject({ topic: 't', partition: 3, probe: serviceProbe });
    expect(stage.logged()).toMatch(/paused partition until its dependency is back/);
  });

  it("waits on the failure's own probe when it names one", () => {
    const { consumer, pauses, holds } = fakes();
    const ownProbe = () => Promise.resolve(true);
    createPauser(testStage(), consumer, pauses, () => Promise.resolve(false))({ topic: 't', partition: 0, fromOffset: '0' }, error, batchPayload([]), ownProbe);
    expect(holds[0]?.probe).toBe(ownProbe);
  });

  it('without any probe, tries again after the longest backoff delay', async () => {
    const { consumer, pauses, holds } = fakes();
    createPauser(testStage(), consumer, pauses)({ topic: 't', partition: 0, fromOffset: '0' }, error, batchPayload([]));
    expect(holds[0]?.firstCheckAfterMs).toBe(5);
    expect(await holds[0]?.probe()).toBe(true);
  });
});
