import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  output: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs a short-lived tool (mvn, go, tar, java for the storage tool) to completion and keeps its
 * interleaved output, so a failure can show the tool's own last words. Rejects only when the
 * program cannot be started at all (ENOENT and friends).
 */
export const runCommand = (command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });

/** The last lines of a text, for error messages that should show context without flooding. */
export const lastLines = (text: string, count: number): string =>
  text.trimEnd().split('\n').slice(-count).join('\n');
