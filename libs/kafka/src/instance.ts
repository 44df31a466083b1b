import { closeSync, mkdirSync, openSync, readFileSync, rmdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A transactional id must be stable across restarts of one instance (the restarted producer's
 * InitProducerId fences its dead predecessor and aborts the transaction it left open, instead of
 * read-committed readers waiting out the transaction timeout) and distinct between producers alive
 * at the same time (two live producers with one id fence each other in turns).
 *
 * The instance id (INSTANCE_ID, by default the host name: the pod name in Kubernetes, the container
 * host name in compose) makes it stable. Several instances of one service can live on one host, in
 * one process (`tributary start`, tests) or in several (tests next to child processes), so each
 * also claims the lowest free slot on the host; a slot is free again once its holder released it
 * or its process is gone, so a restarted instance gets its predecessor's slot back.
 */

export const defaultInstanceId = (): string => hostname();

/** `/` cannot appear in a host name, so the slot suffix never makes two instances' ids meet. */
export const transactionalIdOf = (producerName: string, instanceId: string, slot: number): string =>
  slot === 0 ? `${producerName}-${instanceId}` : `${producerName}-${instanceId}/${slot}`;

export interface InstanceSlot {
  readonly slot: number;
  release(): void;
}

interface Holder {
  pid: number;
  startedAt: number;
}

/** Threads of one process share the pid and the start time; a restarted container's pid 1 does not share the start time. */
const processStartedAt = Math.round(Date.now() - process.uptime() * 1000);
const sameStart = (a: number, b: number): boolean => Math.abs(a - b) < 2_000;

/** Slots this module instance holds: the in-process view, and all there is when the lock directory is unusable. */
const heldHere = new Set<string>();

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const readHolder = (path: string): Holder | undefined => {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    return typeof parsed.pid === 'number' && typeof parsed.startedAt === 'number' ? { pid: parsed.pid, startedAt: parsed.startedAt } : undefined;
  } catch {
    return undefined;
  }
};

/** An unreadable lock is a claim being written (just created) or the leftover of a crash while writing it. */
const unreadableGrace = 10_000;

const holderGone = (path: string, holder: Holder | undefined): boolean => {
  if (!holder) {
    try {
      return Date.now() - statSync(path).mtimeMs > unreadableGrace;
    } catch {
      return true;
    }
  }
  if (holder.pid === process.pid) return !sameStart(holder.startedAt, processStartedAt);
  return !processAlive(holder.pid);
};

const createLock = (path: string): boolean => {
  try {
    const fd = openSync(path, 'wx');
    try {
      writeSync(fd, JSON.stringify({ pid: process.pid, startedAt: processStartedAt } satisfies Holder));
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
};

/** A claim left behind by a process killed inside the few lines below is given up after this long. */
const reclaimGuardTtlMs = 10_000;

/** Takes over a lock whose holder is gone; a directory guards the check-and-replace against a concurrent claimer. */
const reclaim = (path: string): boolean => {
  const guard = `${path}.reclaiming`;
  try {
    mkdirSync(guard);
  } catch {
    try {
      if (Date.now() - statSync(guard).mtimeMs > reclaimGuardTtlMs) rmdirSync(guard);
    } catch {
      // Gone meanwhile: the next claimer gets it.
    }
    return false;
  }
  try {
    if (!holderGone(path, readHolder(path))) return false;
    try {
      unlinkSync(path);
    } catch {
      // Already removed.
    }
    return createLock(path);
  } finally {
    rmdirSync(guard);
  }
};

const fileSafe = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * Claims the lowest slot of `name` that no live producer on this host holds. Without a usable lock
 * directory (a read-only file system), slots are distinct within the process only.
 */
export const claimInstanceSlot = (name: string, directory: string = join(tmpdir(), 'tributary-transactional-ids')): InstanceSlot => {
  let lockDirectory: string | undefined = directory;
  try {
    mkdirSync(directory, { recursive: true });
  } catch {
    lockDirectory = undefined;
  }
  for (let slot = 0; ; slot += 1) {
    const key = `${name}/${slot}`;
    if (heldHere.has(key)) continue;
    const path = lockDirectory && join(lockDirectory, `${fileSafe(name)}.${slot}.lock`);
    if (path) {
      let claimed: boolean;
      try {
        claimed = createLock(path) || reclaim(path);
      } catch {
        claimed = true;
      }
      if (!claimed) continue;
    }
    heldHere.add(key);
    let released = false;
    return {
      slot,
      release() {
        if (released) return;
        released = true;
        heldHere.delete(key);
        if (!path) return;
        try {
          const holder = readHolder(path);
          if (holder?.pid === process.pid && sameStart(holder.startedAt, processStartedAt)) unlinkSync(path);
        } catch {
          // Gone already; a stale file would be reclaimed anyway.
        }
      },
    };
  }
};
