import { EventEmitter } from 'node:events';
import type { Consumer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { testStage } from './fakes.ts';
import { restartAfterFatalCrashes } from './restart.ts';

const events = { CRASH: 'crash' } as unknown as Consumer['events'];

const fakeConsumer = (failuresBeforeSuccess = 0) => {
  const emitter = new EventEmitter();
  const calls: string[] = [];
  let failures = failuresBeforeSuccess;
  const consumer = {
    events,
    on: (event: string, listener: (e: unknown) => void) => emitter.on(event, listener),
    connect: () => Promise.resolve(void calls.push('connect')),
    run: () => Promise.resolve(),
  } as unknown as Pick<Consumer, 'on' | 'events' | 'connect' | 'run'>;
  const run = () => {
    calls.push('run');
    if (failures > 0) {
      failures -= 1;
      return Promise.reject(new Error('coordinator still away'));
    }
    return Promise.resolve();
  };
  return { emitter, consumer, calls, run };
};
const quick = { attempts: 100, initialDelayMs: 1, maxDelayMs: 2 };
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('restarting a consumer kafkajs gives up on', () => {
  it('reconnects and runs again after a crash kafkajs will not restart, retrying until it works', async () => {
    const { emitter, consumer, calls, run } = fakeConsumer(2);
    const stage = testStage();
    restartAfterFatalCrashes(stage, consumer, run, () => true, quick);
    emitter.emit('crash', { payload: { error: new Error('Failed to find group coordinator'), restart: false } });
    await settle();
    expect(calls).toEqual(['connect', 'run', 'connect', 'run', 'connect', 'run']);
    expect(stage.logged()).toMatch(/restarting a consumer kafkajs will not restart/);
  });

  it('leaves crashes kafkajs restarts itself alone, and does nothing once the runner stopped', async () => {
    const restarted = fakeConsumer();
    restartAfterFatalCrashes(testStage(), restarted.consumer, restarted.run, () => true, quick);
    restarted.emitter.emit('crash', { payload: { error: new Error('retriable'), restart: true } });
    const stopped = fakeConsumer();
    restartAfterFatalCrashes(testStage(), stopped.consumer, stopped.run, () => false, quick);
    stopped.emitter.emit('crash', { payload: { error: new Error('fatal'), restart: false } });
    await settle();
    expect([...restarted.calls, ...stopped.calls]).toEqual([]);
  });
});
