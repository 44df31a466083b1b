// The service image (the root Dockerfile) runs as a non-root user and holds production
// dependencies only. A text check of the Dockerfile and .dockerignore; no Docker engine needed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}
interface Stage {
  name: string;
  index: number;
  instructions: Instruction[];
}

/** Joins continuation lines, drops comments and parser directives, splits into stages at each FROM. */
const parseDockerfile = (text: string): Stage[] => {
  const stages: Stage[] = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending !== '' && line.startsWith('#')) return; // comments inside a continued instruction
    if (pending === '') startLine = i + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = `${pending}${line}`.trim();
    pending = '';
    if (full === '') return;
    const match = /^(\S+)\s*(.*)$/.exec(full);
    if (!match) return;
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!;
    if (keyword === 'FROM') {
      const as = /\s+AS\s+(\S+)\s*$/i.exec(args);
      stages.push({ name: as ? as[1]! : String(stages.length), index: stages.length, instructions: [] });
    }
    // ARGs before the first FROM belong to no stage.
    stages.at(-1)?.instructions.push({ keyword, args, line: startLine });
  });
  return stages;
};

const dockerfile = read('Dockerfile');
const stages = parseDockerfile(dockerfile);
const finalStage = stages.at(-1);
const where = (instruction: Instruction) => `Dockerfile:${instruction.line} (${instruction.keyword} ${instruction.args})`;

/** `COPY --from=<stage>` instructions of a stage, with the stage they copy from. */
const copiesFromStages = (stage: Stage) =>
  stage.instructions
    .filter((i) => i.keyword === 'COPY' && /--from=/.test(i.args))
    .map((i) => ({ instruction: i, from: /--from=(\S+)/.exec(i.args)![1]! }));

const npmInstalls = (stage: Stage) =>
  stage.instructions.filter((i) => i.keyword === 'RUN' && /\bnpm\s+(ci|install|i)(\s|$)/.test(i.args));

describe('Dockerfile', () => {
  it('has a final stage', () => {
    expect(finalStage, 'Dockerfile has no FROM instruction').toBeDefined();
  });

  it('runs the final stage as a non-root user', () => {
    const users = finalStage!.instructions.filter((i) => i.keyword === 'USER');
    expect(users.length, `the final stage (${finalStage!.name}) sets no USER, so it runs as root`).toBeGreaterThan(0);
    const last = users.at(-1)!;
    const user = last.args.trim().split(':')[0]!;
    const nonRoot = /^\d+$/.test(user) ? Number(user) !== 0 : user !== 'root' && user !== '';
    expect(nonRoot, `${where(last)}: the last USER of the final stage must be a non-root user (a non-zero uid or a named user other than root)`).toBe(true);
    const afterUser = finalStage!.instructions.filter((i) => i.line > last.line && i.keyword === 'USER');
    expect(afterUser, 'no USER may follow the non-root one').toEqual([]);
  });

  it('copies node_modules into the final stage only from a stage that installs production dependencies', () => {
    const moduleCopies = finalStage!.instructions.filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && /node_modules/.test(i.args));
    expect(moduleCopies.length, `the final stage (${finalStage!.name}) copies no node_modules: where do its dependencies come from?`).toBeGreaterThan(0);
    for (const copy of moduleCopies) {
      const from = /--from=(\S+)/.exec(copy.args)?.[1];
      expect(from, `${where(copy)}: node_modules must come from a build stage, never from the build context (which would hold devDependencies)`).toBeDefined();
      const source = stages.find((s) => s.name === from || String(s.index) === from);
      expect(source, `${where(copy)}: no stage named ${from}`).toBeDefined();
      const installs = npmInstalls(source!);
      expect(installs.length, `stage ${source!.name} has no npm ci: its node_modules are not installed there`).toBeGreaterThan(0);
      for (const install of installs) {
        expect(install.args, `${where(install)}: stage ${source!.name} must install with \`npm ci --omit=dev\``).toMatch(/\bnpm\s+ci\b[^&;|]*--omit=dev/);
      }
      // The stage must not inherit node_modules from a stage with devDependencies either.
      for (const { instruction, from: upstream } of copiesFromStages(source!)) {
        const upstreamStage = stages.find((s) => s.name === upstream || String(s.index) === upstream);
        if (!upstreamStage) continue;
        expect(npmInstalls(upstreamStage).filter((i) => !/--omit=dev/.test(i.args)), `${where(instruction)}: copies from stage ${upstream}, which installs devDependencies`).toEqual([]);
      }
    }
  });

  it('runs no npm install without --omit=dev in the final stage', () => {
    for (const install of npmInstalls(finalStage!)) {
      expect(install.args, `${where(install)}: the final stage must not install devDependencies`).toMatch(/--omit=dev/);
    }
  });

  it('copies no dev-only files from the build context into the final stage', () => {
    const contextCopies = finalStage!.instructions.filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !/--from=/.test(i.args));
    for (const copy of contextCopies) {
      expect(copy.args, `${where(copy)}: copies node_modules from the build context`).not.toMatch(/node_modules/);
      expect(copy.args, `${where(copy)}: copies the whole build context into the final stage`).not.toMatch(/^(--\S+\s+)*\.\s+\S+$/);
    }
  });
});

describe('.dockerignore', () => {
  const patterns = read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const excludes = (...alternatives: string[]) => alternatives.some((p) => patterns.includes(p));

  it.each([
    ['node_modules', ['node_modules', '**/node_modules', 'node_modules/', '**/node_modules/']],
    ['.git', ['.git', '.git/']],
    ['.tributary', ['.tributary', '.tributary/', '**/.tributary']],
  ])('excludes %s from the build context', (folder, alternatives) => {
    expect(excludes(...alternatives), `.dockerignore must exclude ${folder} (one of: ${alternatives.join(', ')})`).toBe(true);
    expect(patterns.filter((p) => p.startsWith('!') && p.includes(folder)), `.dockerignore re-includes ${folder}`).toEqual([]);
  });
});
