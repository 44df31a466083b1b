import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { eventually } from './support.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** A port nobody listens on right now, for a service started as its own process. */
export const freePort = async (): Promise<number> => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  return typeof address === 'object' && address ? address.port : 0;
};

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

/**
 * Starts an app as a real process, as production runs it, and waits until /readyz answers 200,
 * so tests can stop it with real signals (SIGTERM, SIGKILL).
 */
export const startServiceProcess = async (app: string, portVariable: string, env: Record<string, string>): Promise<ServiceProcess> => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`], {
    cwd: repo,
    env: { ...process.env, ...env, [portVariable]: String(port), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const url = `http://127.0.0.1:${port}`;
  let gone = false;
  void exited.then(() => (gone = true));
  await eventually(
    async () => {
      if (gone) throw new Error(`${app} exited before it was ready:\n${output}`);
      const res = await fetch(`${url}/readyz`).catch(() => undefined);
      return res?.status === 200 ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`${app} did not become ready: ${(error as Error).message}\n${output.slice(-3000)}`);
  });
  return { child, url, output: () => output, exited };
};
