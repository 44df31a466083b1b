import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registryArgs, registryLauncher } from './registry.ts';

const installWith = async (files: string[]): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'registry-'));
  for (const file of files) {
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), '');
  }
  return dir;
};

describe('registryLauncher', () => {
  it('finds the 3.0 runner jar', async () => {
    const dir = await installWith(['apicurio-registry-app-3.0.9-runner.jar', 'lib/a.jar']);
    expect(registryLauncher(dir)).toBe(join(dir, 'apicurio-registry-app-3.0.9-runner.jar'));
  });

  it('prefers the Quarkus fast-jar layout, at the root or under quarkus-app', async () => {
    const root = await installWith(['quarkus-run.jar', 'lib/boot/a.jar']);
    expect(registryLauncher(root)).toBe(join(root, 'quarkus-run.jar'));
    const nested = await installWith(['quarkus-app/quarkus-run.jar']);
    expect(registryLauncher(nested)).toBe(join(nested, 'quarkus-app', 'quarkus-run.jar'));
  });

  it('explains how to recover from an install without a jar', async () => {
    const dir = await installWith(['README']);
    expect(() => registryLauncher(dir)).toThrow(expect.objectContaining({ code: 'DOWNLOAD_FAILED' }));
  });
});

describe('registryArgs', () => {
  it('binds loopback and keeps schemas in a file database under the stack folder', () => {
    const args = registryArgs('/c/run.jar', 18081, '/s/registry/data');
    expect(args).toContain('-Dquarkus.http.port=18081');
    expect(args).toContain('-Dquarkus.http.host=127.0.0.1');
    expect(args).toContain('-Dapicurio.datasource.url=jdbc:h2:file:/s/registry/data/registry');
    expect(args.slice(-2)).toEqual(['-jar', '/c/run.jar']);
  });
});
