import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stackPaths } from './layout.ts';
import { stackDown } from './stack.ts';

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

/** A stack folder as `up` leaves it, with one file of data per component and their logs, and nothing running. */
const stoppedStack = async (): Promise<string> => {
  const stackDir = await mkdtemp(join(tmpdir(), 'tributary-wipe-'));
  folders.push(stackDir);
  for (const component of ['kafka', 'registry', 'store'] as const) {
    const paths = stackPaths(stackDir, component);
    await mkdir(paths.data, { recursive: true });
    await writeFile(join(paths.data, 'segment'), 'records');
    await mkdir(paths.logDir, { recursive: true });
    await writeFile(paths.logFile, 'log lines');
  }
  return stackDir;
};

describe('tributary stack down --wipe', () => {
  it("deletes every component's data and keeps the logs", async () => {
    const stackDir = await stoppedStack();
    const lines: string[] = [];
    await stackDown({ stackDir, wipe: true, onProgress: (line) => lines.push(line) });
    for (const component of ['kafka', 'registry', 'store'] as const) {
      expect(await readdir(stackPaths(stackDir, component).home)).not.toContain('data');
      expect(lines).toContain(`${component}: data deleted (${stackPaths(stackDir, component).data})`);
    }
    expect((await readdir(join(stackDir, 'logs'))).sort()).toEqual(['kafka.log', 'registry.log', 'store.log']);
  });

  it('keeps the data without --wipe, and wipes only the components asked for', async () => {
    const stackDir = await stoppedStack();
    await stackDown({ stackDir });
    expect(await readdir(stackPaths(stackDir, 'store').data)).toEqual(['segment']);
    await stackDown({ stackDir, wipe: true, only: ['store'] });
    expect(await readdir(stackPaths(stackDir, 'store').home)).not.toContain('data');
    expect(await readdir(stackPaths(stackDir, 'kafka').data)).toEqual(['segment']);
  });
});
