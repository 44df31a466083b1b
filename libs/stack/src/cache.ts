import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withLock } from './lock.ts';

export interface InstallSpec {
  cacheDir: string;
  /** Folder name in the cache; carries the version so versions never mix. */
  name: string;
  /** What is being installed, for progress lines ("Apache Kafka 4.3.1 from Maven Central"). */
  description: string;
  /** Fills an empty staging folder; it becomes the install only if this resolves. */
  build: (stagingDir: string) => Promise<void>;
  onProgress: (line: string) => void;
}

const completeMarker = '.complete';

export const isInstalled = (dir: string): boolean => existsSync(join(dir, completeMarker));

/**
 * Installs into the cache at most once. The build fills a private staging folder that is renamed
 * into place only when complete, under a lock, so an interrupted or concurrent first run never
 * leaves a half-written install that a later run would trust.
 */
export const ensureInstalled = async (spec: InstallSpec): Promise<string> => {
  const target = join(spec.cacheDir, spec.name);
  if (isInstalled(target)) return target;
  await mkdir(spec.cacheDir, { recursive: true });
  return withLock(
    join(spec.cacheDir, `${spec.name}.lock`),
    async () => {
      if (isInstalled(target)) return target;
      const staging = join(spec.cacheDir, `${spec.name}.partial-${process.pid}`);
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging, { recursive: true });
      spec.onProgress(`installing ${spec.description} into ${target} (first use only)`);
      const started = Date.now();
      try {
        await spec.build(staging);
        await writeFile(join(staging, completeMarker), `${new Date().toISOString()}\n`);
        await rm(target, { recursive: true, force: true });
        await rename(staging, target);
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
      spec.onProgress(`installed ${spec.description} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return target;
    },
    { onWait: (pid) => spec.onProgress(`waiting for process ${pid}, which is installing ${spec.description}`) },
  );
};
