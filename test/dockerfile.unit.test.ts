// The service image (the root Dockerfile) runs as a non-root user and holds production
// dependencies only, and every app under apps/ with a src/main.ts builds with it. A text check of
// the Dockerfile, .dockerignore and the apps' package.json files; no Docker engine needed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/**
 * Docker's .dockerignore matching, enough for our patterns: `*` and `?` within one path segment,
 * `**` across segments, a pattern also excludes everything under a folder it matches, and the
 * last matching line wins (`!` re-includes).
 */
const ignoredBy = (patterns: readonly string[]) => {
  const rules = patterns.map((pattern) => {
    const negated = pattern.startsWith('!');
    const body = (negated ? pattern.slice(1) : pattern).replace(/^\/+|\/+$/g, '');
    const source = body
      .split(/(\*\*\/?|\*|\?)/)
      .map((part) => (part === '**/' ? '(?:.*/)?' : part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    return { negated, regex: new RegExp(`^${source}(?:/.*)?$`) };
  });
  return (file: string) => rules.reduce((ignored, rule) => (rule.regex.test(file) ? !rule.negated : ignored), false);
};

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
}
const readPackage = (dir: string) => JSON.parse(read(`${dir}/package.json`)) as PackageJson;

/** Workspace folders by package name (libs/* and apps/*). */
const workspaces = new Map(
  ['libs', 'apps'].flatMap((parent) =>
    readdirSync(new URL(`${parent}/`, root), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(new URL(`${parent}/${entry.name}/package.json`, root)))
      .map((entry) => [readPackage(`${parent}/${entry.name}`).name ?? '', `${parent}/${entry.name}`] as const),
  ),
);

/** Every app the Dockerfile can build: a folder under apps/ with src/main.ts (the image's CMD). */
const apps = readdirSync(new URL('apps/', root), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(new URL(`apps/${entry.name}/src/main.ts`, root)))
  .map((entry) => entry.name)
  .sort();

describe('every app under apps/ builds with the Dockerfile (--build-arg APP=<folder>)', () => {
  const ignorePatterns = read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const ignored = ignoredBy(ignorePatterns);
  const deps = stages.find((stage) => npmInstalls(stage).some((i) => /--omit=dev/.test(i.args)));

  it('finds the apps', () => {
    expect(apps, 'no folder under apps/ has a src/main.ts').toContain('orders-api');
  });

  it('installs the app named by the APP build argument and starts in its folder', () => {
    expect(deps, 'no stage runs npm ci --omit=dev').toBeDefined();
    expect(npmInstalls(deps!).map((i) => i.args).join('\n'), 'npm ci must install the one app: --workspace "@tributary/${APP}"').toMatch(/--workspace[= ]"?@tributary\/\$\{?APP\}?"?/);
    const workdirs = finalStage!.instructions.filter((i) => i.keyword === 'WORKDIR');
    expect(workdirs.at(-1)?.args, 'the final stage must run from the app\'s folder, where src/main.ts is').toMatch(/^\/app\/apps\/\$\{?APP\}?$/);
  });

  it.each(apps)('%s: package @tributary/<folder>, tsx at run time, sources in the build context', (app) => {
    const manifest = readPackage(`apps/${app}`);
    // The image installs `--workspace @tributary/${APP}` and keeps app folders by their link name.
    expect(manifest.name, `apps/${app}/package.json: the name must be @tributary/${app}`).toBe(`@tributary/${app}`);
    // CMD is `node --import tsx src/main.ts`, and devDependencies are not installed.
    expect(manifest.dependencies?.['tsx'], `apps/${app}/package.json: tsx must be in dependencies (the image runs src/main.ts with --import tsx)`).toBeDefined();
    for (const file of [`apps/${app}/package.json`, `apps/${app}/src/main.ts`]) {
      expect(ignored(file), `.dockerignore keeps ${file} out of the build context`).toBe(false);
    }
  });

  it.each(apps)('%s: every workspace package it depends on is a folder named after the package, in the image', (app) => {
    const local = Object.keys(readPackage(`apps/${app}`).dependencies ?? {}).filter((name) => name.startsWith('@tributary/'));
    for (const name of local) {
      const dir = workspaces.get(name);
      expect(dir, `apps/${app} depends on ${name}, which is no workspace under libs/ or apps/`).toBeDefined();
      expect(dir!.split('/')[1], `${dir}: the folder must be named after its package ${name}`).toBe(name.slice('@tributary/'.length));
      expect(ignored(`${dir}/package.json`), `.dockerignore keeps ${dir} out of the build context`).toBe(false);
      if (dir!.startsWith('apps/')) {
        // Another app's sources: the final stage must take apps/ from a stage, not only apps/${APP}.
        const copiesApps = copiesFromStages(finalStage!).some(({ instruction }) => /\s\.?\/?(app\/)?apps\/?$/.test(instruction.args));
        expect(copiesApps, `apps/${app} depends on ${name} (${dir}): the final stage must copy the apps it depends on too`).toBe(true);
      } else {
        const copiesLibs = finalStage!.instructions.some((i) => i.keyword === 'COPY' && /^libs\s/.test(i.args));
        expect(copiesLibs, 'the final stage must copy libs/').toBe(true);
      }
    }
  });
});

/** Every file under a folder of the repository, as paths relative to the root. */
const filesUnder = (dir: string): string[] =>
  readdirSync(new URL(`${dir}/`, root), { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(`${dir}/${entry.name}`) : [`${dir}/${entry.name}`]));

describe('the CLI image (APP=cli) runs the setup jobs', () => {
  const ignored = ignoredBy(
    read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );

  it('holds schemas/avro where libs/avro looks for it, so `tributary schemas register` needs nothing mounted', () => {
    // libs/avro finds the schemas at ../../../schemas/avro from its sources: /app/schemas/avro.
    const copies = finalStage!.instructions.filter((i) => i.keyword === 'COPY' && /^schemas\s+(\.\/|\/app\/)schemas\/?$/.test(i.args));
    expect(copies.length, 'the final stage must `COPY schemas ./schemas` next to libs/').toBe(1);
    const files = filesUnder('schemas/avro');
    expect(files.filter((file) => file.endsWith('.avsc')).length).toBeGreaterThan(0);
    for (const file of files) expect(ignored(file), `.dockerignore keeps ${file} out of the image`).toBe(false);
  });
});
