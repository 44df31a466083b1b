import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';
import type { Io } from '../command.ts';
import { schemasCommand } from './schemas.ts';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const root = { name: 'tributary', summary: 'test root', subcommands: [schemasCommand] };

const run = async (...args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (text) => out.push(text), err: (text) => err.push(text), env: {} };
  const code = await runCli(root, args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
};

/** The repo's schemas plus the planted OrderPlaced v3 that drops `currency`, in a temp folder. */
const planted = mkdtempSync(path.join(tmpdir(), 'tributary-schemas-'));
cpSync(path.join(repo, 'schemas/avro'), planted, { recursive: true });
cpSync(path.join(repo, 'libs/contracts/test-fixtures/incompatible'), planted, { recursive: true });
afterAll(() => rmSync(planted, { recursive: true, force: true }));

describe('tributary schemas check', () => {
  it("passes on the repo's own schemas", async () => {
    const { code, out } = await run('schemas', 'check', '--no-registry');
    expect(out).toContain('ok    orders-io.tributary.orders.OrderPlaced');
    expect(out).toMatch(/schemas check: ok$/);
    expect(code).toBe(0);
  });

  it('fails on a planted incompatible OrderPlaced v3, naming subject, versions, field and reason', async () => {
    const { code, out } = await run('schemas', 'check', '--no-registry', '--dir', planted);
    expect(out).toContain('FAIL  orders-io.tributary.orders.OrderPlaced');
    expect(out).toContain('OrderPlaced v3 removes field `currency` which has no default: consumers on v1 cannot read v3');
    expect(out).toContain('OrderPlaced v3 removes field `currency` which has no default: consumers on v2 cannot read v3');
    expect(out).toMatch(/schemas check: 2 failures$/);
    expect(code).toBe(1);
  });

  it('uses the topic prefix in subject names', async () => {
    const { out } = await run('schemas', 'check', '--no-registry', '--topic-prefix', 'staging-');
    expect(out).toContain('staging-orders-io.tributary.orders.OrderPlaced');
  });

  it('skips an unreachable registry instead of failing', async () => {
    const { code, out } = await run('schemas', 'check', '--registry', 'http://127.0.0.1:9/apis/ccompat/v7');
    expect(out).toContain('registry: not reachable at http://127.0.0.1:9/apis/ccompat/v7, skipped');
    expect(code).toBe(0);
  });
});

describe('tributary schemas codegen --check', () => {
  it('finds the committed generated types current', async () => {
    expect(await run('schemas', 'codegen', '--check')).toMatchObject({ code: 0 });
  });
});
