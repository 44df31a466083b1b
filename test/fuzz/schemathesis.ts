import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const installScript = fileURLToPath(new URL('../../infra/scripts/install-python-tools.sh', import.meta.url));
const configFile = fileURLToPath(new URL('../../infra/python/schemathesis.toml', import.meta.url));

const run = (command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });

/** The cached virtualenv's python (Schemathesis, confluent-kafka), made on first use from PyPI. */
export const pythonTools = async (): Promise<string> => {
  const { code, out } = await run(installScript, []);
  if (code !== 0) throw new Error(`${installScript} failed (exit ${code}):\n${out}`);
  return out.trim().split('\n').at(-1) ?? '';
};

/*
 * Checks left out, and why. ensure_resource_availability follows the Location of a placed order to
 * its cancellation at once: the saga learns of an order from the orders topic a moment later, so
 * the cancellation answers 404 "retry shortly" by design (commands are asynchronous).
 */
const excludedChecks = ['ensure_resource_availability'];

export interface SchemathesisRun {
  /** The API's OpenAPI document, served by the service itself. */
  url: string;
  maxExamples: number;
  reportDir: string;
  python: string;
  seed?: number;
}

export interface SchemathesisResult {
  code: number;
  /** Schemathesis's summary block, as it printed it. */
  summary: string;
  generated: number;
  failures: number;
  /** Every request sent and its answer's status, from the HAR report. */
  exchanges: { method: string; url: string; status: number }[];
}

interface Har {
  log: { entries: { request: { method: string; url: string }; response: { status: number } }[] };
}

/** Runs Schemathesis against one service: every check (its default) on every answer but those left out above and in infra/python/schemathesis.toml, examples bounded per operation. */
export const runSchemathesis = async ({ url, maxExamples, reportDir, python, seed = 1 }: SchemathesisRun): Promise<SchemathesisResult> => {
  await mkdir(reportDir, { recursive: true });
  const har = join(reportDir, 'exchanges.har');
  const args = ['-m', 'schemathesis.cli', '--config-file', configFile, 'run', url, '--exclude-checks', excludedChecks.join(','), '--max-examples', String(maxExamples), '--seed', String(seed), '--no-color', '--report', 'har', '--report-har-path', har];
  const { code, out } = await run(python, args, { ...process.env, SCHEMATHESIS_TELEMETRY: 'false', NO_COLOR: '1' });
  const summary = out.slice(out.lastIndexOf('SUMMARY') >= 0 ? out.lastIndexOf('=', out.lastIndexOf('SUMMARY')) - 30 : 0).trim();
  const generated = Number(/(\d+) generated/.exec(out)?.[1] ?? 0);
  const failures = /No issues found/.test(out) ? 0 : Number(/(\d+) (?:unique )?failures?/.exec(out)?.[1] ?? (code === 0 ? 0 : 1));
  const entries = (JSON.parse(await readFile(har, 'utf8').catch(() => '{"log":{"entries":[]}}')) as Har).log.entries;
  return { code, summary: code === 0 ? summary : out, generated, failures, exchanges: entries.map((entry) => ({ method: entry.request.method, url: entry.request.url, status: entry.response.status })) };
};
