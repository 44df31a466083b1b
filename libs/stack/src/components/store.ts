import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { TributaryError } from '@tributary/errors';
import { ensureInstalled } from '../cache.ts';
import type { Component } from '../component.ts';
import { stackPaths } from '../layout.ts';
import { isPortOpen, loopback } from '../network.ts';
import { repoRoot } from '../options.ts';
import { requireGo } from '../prerequisites.ts';
import { versions } from '../versions.ts';
import { runGoStep, sourceFingerprint } from './go-build.ts';
import { prepareEditedBuild, type OverlaySpec } from './go-overlay.ts';

/** The size SQLite cuts its write-ahead log back to after a checkpoint. */
const walLimitBytes = 64 * 1024 * 1024;

/** Our wrapper around FerretDB's embeddable package (see its main.go for why it exists). */
export const ferretdbSourceDir = (): string => join(repoRoot(), 'infra', 'local', 'ferretdb');

const sourceFiles = ['go.mod', 'go.sum', 'main.go', 'overlay.json'];

const buildFerretdb = async (sourceDir: string, staging: string, onProgress: (line: string) => void): Promise<void> => {
  await requireGo();
  // overlay.json says which upstream lines the build changes, and why.
  const spec = JSON.parse(readFileSync(join(sourceDir, 'overlay.json'), 'utf8')) as OverlaySpec;
  const work = join(staging, 'build');
  const program = await prepareEditedBuild(sourceDir, ['go.mod', 'go.sum', 'main.go'], spec, work);
  try {
    await runGoStep({ args: ['build', '-trimpath', '-buildvcs=false', '-o', join(staging, 'ferretdb'), '.'], cwd: program, action: `build FerretDB ${versions.ferretdb}`, onProgress });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
};

export const storeUri = (port: number): string => `mongodb://${loopback}:${port}`;

export const isStoreHealthy = async (port: number): Promise<boolean> => {
  // The driver's server selection waits its whole timeout on a closed port; a socket probe doesn't.
  if (!(await isPortOpen(port))) return false;
  const client = new MongoClient(storeUri(port), { serverSelectionTimeoutMS: 2_000, connectTimeoutMS: 2_000, directConnection: true });
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
};

export const storeComponent: Component = {
  name: 'store',
  ports: ({ ports }) => [ports.store],
  address: ({ ports }) => storeUri(ports.store),
  needsJava: false,
  startTimeoutMs: 30_000,
  stopGraceMs: 10_000,
  install: ({ options, onProgress }) => {
    const sourceDir = ferretdbSourceDir();
    if (!existsSync(join(sourceDir, 'main.go'))) {
      throw new TributaryError('PREREQUISITE_MISSING', `The FerretDB wrapper sources are missing from ${sourceDir}; restore infra/local/ferretdb from git`);
    }
    return ensureInstalled({
      cacheDir: options.cacheDir,
      name: `ferretdb-${versions.ferretdb}-${sourceFingerprint(sourceDir, sourceFiles)}`,
      description: `FerretDB ${versions.ferretdb} (built with Go from infra/local/ferretdb; a few minutes the first time)`,
      build: (staging) => buildFerretdb(sourceDir, staging, onProgress),
      onProgress,
    });
  },
  prepare: async ({ options }, installDir) => {
    const paths = stackPaths(options.stackDir, 'store');
    await mkdir(paths.data, { recursive: true });
    return {
      command: join(installDir, 'ferretdb'),
      args: [
        `--listen-addr=${loopback}:${options.ports.store}`,
        // FerretDB wants a directory URI with a trailing slash. SQLite keeps its write-ahead log at
        // its largest size since start unless told otherwise; after each checkpoint it is cut back
        // to 64 MiB, so a burst of writes does not leave the log hundreds of MB large for good.
        // With the log, synchronous(normal) syncs it at checkpoints rather than on every commit: a
        // killed store loses nothing (only a power cut could lose the last commits), and a write
        // holds SQLite's one writer lock for a fraction of the time, so services writing at once
        // wait far less for each other.
        `--sqlite-url=file:${paths.data}/?_pragma=journal_size_limit(${walLimitBytes})&_pragma=synchronous(normal)`,
        // At WARN every client disconnect and every unsupported command (the driver's endSessions)
        // is logged with a full message dump; errors are what matter here.
        '--log-level=error',
      ],
      cwd: paths.home,
    };
  },
  isHealthy: ({ ports }) => isStoreHealthy(ports.store),
};
