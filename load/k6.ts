import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const installScript = fileURLToPath(new URL('../infra/scripts/install-k6.sh', import.meta.url));

const run = (command: string, args: readonly string[], stdout: 'pipe' | 'inherit'): Promise<{ code: number; out: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', stdout, 'inherit'] });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), out }));
  });

/** The k6 binary: K6_BINARY if given, else the project's cached build (built once from Go sources). */
export const installK6 = async (env: NodeJS.ProcessEnv = process.env): Promise<string> => {
  const given = env['K6_BINARY'];
  if (given) return given;
  const { code, out } = await run(installScript, [], 'pipe');
  if (code !== 0) throw new Error(`${installScript} failed (exit ${code}); set K6_BINARY to use a k6 of your own`);
  return out.trim().split('\n').at(-1) ?? '';
};

export interface K6Run {
  k6: string;
  script: string;
  /** Passed as -e NAME=value; the scripts read them from __ENV. */
  variables: Record<string, string>;
  /** Where the scripts' console.log lines go (the count check reads them). */
  consoleFile: string;
}

/** Runs one scenario; k6 exits non-zero when a threshold fails (99) or the script breaks. */
export const runK6 = async ({ k6, script, variables, consoleFile }: K6Run): Promise<number> => {
  const args = ['run', '--quiet', '--no-usage-report', `--console-output=${consoleFile}`];
  for (const [name, value] of Object.entries(variables)) args.push('-e', `${name}=${value}`);
  args.push(script);
  return (await run(k6, args, 'inherit')).code;
};
