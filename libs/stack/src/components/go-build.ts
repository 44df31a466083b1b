import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TributaryError } from '@tributary/errors';
import { lastLines, runCommand } from '../run.ts';

/** Programs the stack builds with Go from a wrapper module of ours under infra/local/<name>. */

/** A change to a wrapper or its pinned modules must produce a new build, not reuse the old one. */
export const sourceFingerprint = (dir: string, files: readonly string[]): string => {
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update(readFileSync(join(dir, file)));
  return hash.digest('hex').slice(0, 10);
};

export interface GoStep {
  args: readonly string[];
  cwd: string;
  /** What the step does, for progress lines and the failure ("build Jaeger 2.12.0"). */
  action: string;
  onProgress: (line: string) => void;
}

/** How often a long, silent Go step says it is still at work. */
const heartbeatMs = 30_000;

/**
 * Runs one `go` step to completion. A first build downloads and compiles hundreds of modules in
 * silence for minutes, so the step reports every 30 s that it still runs.
 */
export const runGoStep = async ({ args, cwd, action, onProgress }: GoStep): Promise<void> => {
  const started = Date.now();
  onProgress(`${action}: go ${args[0] ?? ''} ...`);
  const heartbeat = setInterval(() => onProgress(`${action}: still running (${Math.round((Date.now() - started) / 1000)} s)`), heartbeatMs);
  try {
    const result = await runCommand('go', args, { cwd });
    if (result.code !== 0) {
      throw new TributaryError(
        'DOWNLOAD_FAILED',
        `Go could not ${action} in ${cwd}; check access to the Go module proxy (GOPROXY), then retry. Go said:\n${lastLines(result.output, 15)}`,
        { details: { exitCode: result.code } },
      );
    }
    onProgress(`${action}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    clearInterval(heartbeat);
  }
};
