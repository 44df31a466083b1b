import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * The systems under test run in a child process, so this process's CPU time is the load
 * generator's alone. The child prints one line "ready <json>" when it listens, and stops cleanly
 * on SIGTERM.
 */
export interface ChildServers<T> {
  info: T;
  /** The child's process id, to read its CPU time. */
  pid: number | undefined;
  stop(): Promise<void>;
}

export const startChild = async <T>(script: string, env: Record<string, string>): Promise<ChildServers<T>> => {
  const path = fileURLToPath(new URL(script, import.meta.url));
  // `node --cpu-prof --cpu-prof-dir=... bench/main.ts` profiles the subjects too (NODE_OPTIONS may not carry --cpu-prof).
  const profiling = process.execArgv.filter((flag) => flag.startsWith('--cpu-prof'));
  const child: ChildProcess = spawn(process.execPath, [...profiling, '--import', 'tsx', path], { env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = once(child, 'exit');
  const ready = new Promise<T>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line.startsWith('ready ')) resolve(JSON.parse(line.slice(6)) as T);
      else if (line.trim()) process.stderr.write(`[${script}] ${line}\n`);
    });
    void exited.then(([code]) => reject(new Error(`${script} exited (${String(code)}) before it was ready`)));
  });
  const info = await ready;
  return {
    info,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
};

/**
 * For the child: announces readiness and runs `stop` on SIGTERM or SIGINT, or when the parent's end
 * of stdin closes (the parent died without stopping it), so no benchmark server outlives its run.
 */
export const serveUntilTerminated = (info: unknown, stop: () => Promise<void>): void => {
  console.log(`ready ${JSON.stringify(info)}`);
  const finish = () => {
    // Stopping waits for in-flight work; a stuck consumer must not keep the process alive.
    setTimeout(() => process.exit(1), 15_000).unref();
    void stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', finish);
  process.once('SIGINT', finish);
  process.stdin.once('end', finish);
  process.stdin.resume();
};
