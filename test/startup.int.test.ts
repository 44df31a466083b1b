import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from './processes.ts';
import { serviceEnvironment, uniqueName } from './support.ts';

/**
 * Start-up with a bad configuration or an unreachable dependency stops the service at once with
 * one clear line and exit code 1 (an orchestrator restarts it), and never prints a secret.
 */
const repo = fileURLToPath(new URL('..', import.meta.url));
const names = { ordersTopic: uniqueName('startup'), database: uniqueName('startup') };

const runToExit = async (app: string, env: Record<string, string>): Promise<{ code: number | null; output: string; ms: number }> => {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(killer);
  return { code, output, ms: Date.now() - started };
};

describe('start-up', () => {
  it('refuses a bad configuration, naming every offending variable and hiding secret values', async () => {
    const { code, output } = await runToExit('orders-api', {
      ...serviceEnvironment(names),
      ORDERS_API_PORT: 'eighty',
      KAFKA_SASL_MECHANISM: 'kerberos',
      MONGODB_URI: 'postgres://admin:pw-secret@db/x',
    });
    expect(code).toBe(1);
    for (const variable of ['ORDERS_API_PORT', 'KAFKA_SASL_MECHANISM', 'MONGODB_URI']) expect(output).toContain(variable);
    expect(output).toContain('CONFIG_INVALID');
    expect(output).not.toContain('pw-secret');
  });

  it('refuses a SASL mechanism without credentials before connecting', async () => {
    const { code, output } = await runToExit('orders-api', { ...serviceEnvironment(names), KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_PASSWORD: 'pw-secret' });
    expect(code).toBe(1);
    expect(output).toMatch(/KAFKA_SASL_MECHANISM=scram-sha-512 needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/);
    expect(output).not.toContain('pw-secret');
  });

  it('stops with STORE_UNAVAILABLE when the store cannot be reached, without printing its password', async () => {
    const { code, output, ms } = await runToExit('query-api', {
      ...serviceEnvironment(names),
      MONGODB_URI: `mongodb://reader:pw-secret@127.0.0.1:${await freePort()}/`,
      MONGODB_TIMEOUT_MS: '2000',
    });
    expect(code).toBe(1);
    expect(output).toContain('STORE_UNAVAILABLE');
    expect(output).not.toContain('pw-secret');
    expect(ms).toBeLessThan(30_000);
  });

  it('stops with KAFKA_UNAVAILABLE when no broker answers', async () => {
    const { code, output, ms } = await runToExit('orders-api', { ...serviceEnvironment(names), KAFKA_BROKERS: `127.0.0.1:${await freePort()}` });
    expect(code).toBe(1);
    expect(output).toMatch(/KAFKA_UNAVAILABLE/);
    expect(ms).toBeLessThan(60_000);
  }, 70_000);
});
