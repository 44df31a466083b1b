import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimInstanceSlot, transactionalIdOf } from './instance.ts';

describe('transactional ids', () => {
  it('are the producer name and instance id, with the slot only beyond the first', () => {
    expect(transactionalIdOf('inventory-service', 'pod-7f9c', 0)).toBe('inventory-service-pod-7f9c');
    expect(transactionalIdOf('inventory-service', 'pod-7f9c', 2)).toBe('inventory-service-pod-7f9c/2');
  });

  it('never meet between an instance named like another one\'s slot', () => {
    expect(transactionalIdOf('svc', 'pod-1', 0)).not.toBe(transactionalIdOf('svc', 'pod', 1));
  });
});

describe('instance slots', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'slots-'));
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });
  const lock = (name: string, slot: number, holder: { pid: number; startedAt: number }) => writeFileSync(join(directory, `${name}.${slot}.lock`), JSON.stringify(holder));
  const startedAt = Math.round(Date.now() - process.uptime() * 1000);

  it('gives instances living at the same time distinct slots', () => {
    const first = claimInstanceSlot('orders-service-host-a', directory);
    const second = claimInstanceSlot('orders-service-host-a', directory);
    expect([first.slot, second.slot]).toEqual([0, 1]);
    first.release();
    second.release();
  });

  it('gives a released slot to the next instance, so a restart keeps its id', () => {
    const first = claimInstanceSlot('payments-service-host-a', directory);
    first.release();
    const again = claimInstanceSlot('payments-service-host-a', directory);
    expect(again.slot).toBe(0);
    again.release();
    expect(readdirSync(directory)).toEqual([]);
  });

  it('takes over the slot of a process that died without releasing it', () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    lock('inventory-service-host-a', 0, { pid: dead, startedAt: 1 });
    const claimed = claimInstanceSlot('inventory-service-host-a', directory);
    expect(claimed.slot).toBe(0);
    claimed.release();
  });

  it('takes over a slot held under its own pid by an earlier run of the process (a restarted container)', () => {
    lock('inventory-service-host-b', 0, { pid: process.pid, startedAt: startedAt - 60_000 });
    const claimed = claimInstanceSlot('inventory-service-host-b', directory);
    expect(claimed.slot).toBe(0);
    claimed.release();
  });

  it('leaves a lock alone while its holder may still be writing it, and takes it over once it is old', () => {
    writeFileSync(join(directory, 'orders-service-host-e.0.lock'), '');
    const fresh = claimInstanceSlot('orders-service-host-e', directory);
    expect(fresh.slot).toBe(1);
    fresh.release();
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(directory, 'orders-service-host-e.0.lock'), old, old);
    const again = claimInstanceSlot('orders-service-host-e', directory);
    expect(again.slot).toBe(0);
    again.release();
  });

  it('leaves the slot of another live process alone', () => {
    lock('inventory-service-host-c', 0, { pid: process.ppid, startedAt: 1 });
    const claimed = claimInstanceSlot('inventory-service-host-c', directory);
    expect(claimed.slot).toBe(1);
    claimed.release();
  });

  it('still keeps instances of one process apart when the lock directory cannot be used', () => {
    const unusable = join(directory, 'file');
    writeFileSync(unusable, '');
    const first = claimInstanceSlot('orders-service-host-d', unusable);
    const second = claimInstanceSlot('orders-service-host-d', unusable);
    expect([first.slot, second.slot]).toEqual([0, 1]);
    first.release();
    second.release();
  });
});
