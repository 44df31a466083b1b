import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { runCli } from '@tributary/cli';
import { commands } from '@tributary/cli/commands';
import { describe, expect, it } from 'vitest';
import { headingAnchors, npmInvocations, parseMarkdown, tributaryInvocations, type MarkdownParts } from './markdown.ts';

/**
 * The README and the pages under docs/ promise commands, scripts, files and links: this keeps
 * every promise true without a backbone. A command is checked against the CLI's own command
 * table and its --help, a script against package.json, a link against the files and headings.
 */
const root = join(import.meta.dirname, '..');
const docsDir = join(root, 'docs');
const docFiles = ['README.md', 'schemas/README.md', ...readdirSync(docsDir).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const parts = new Map<string, MarkdownParts>(docFiles.map((file) => [file, parseMarkdown(readFileSync(join(root, file), 'utf8'))]));

const readmeBytes = 10_240;
const pages = ['ARCHITECTURE.md', 'order-flow.md', 'http-api.md', 'configuration.md', 'operating.md', 'cli.md', 'contracts.md', 'deployment.md', 'load-and-benchmarks.md', 'testing.md', 'tracing.md'];

/** Everything a reader may paste: shell blocks, and code spans that start a command. */
const runnable = (doc: MarkdownParts): string[] => [...doc.shellLines, ...doc.codeSpans];

type Command = (typeof commands)[number];
type Leaf = Extract<Command, { run: unknown }>;
const cli = { name: 'tributary', summary: 'the docs test', subcommands: commands };

/** Follows the words down the command table to the group or command they name. */
const resolveCommand = (words: readonly string[]): { path: string[]; leaf?: Leaf; problem?: string } => {
  const path: string[] = [];
  let current: Command | typeof cli = cli;
  for (const word of words) {
    if (!('subcommands' in current)) break;
    if (!/^[a-z][a-z-]*$/.test(word)) {
      if (word.startsWith('-') && word !== '--help' && word !== '-h') return { path, problem: `option ${word} given to a command group` };
      break;
    }
    const next: Command | undefined = current.subcommands.find((sub) => sub.name === word);
    if (!next) return { path, problem: `no command 'tributary ${[...path, word].join(' ')}'` };
    path.push(word);
    current = next;
  }
  return 'subcommands' in current ? { path } : { path, leaf: current };
};

const optionsOf = (leaf: Leaf): Set<string> => new Set(['help', ...Object.keys(leaf.options ?? {})]);

const capturingIo = () => {
  const out: string[] = [];
  return { io: { out: (text: string) => out.push(text), err: (text: string) => out.push(text), env: {} }, out };
};

interface PackageJson {
  name: string;
  workspaces?: string[];
  scripts?: Record<string, string>;
}

const readPackage = (folder: string): PackageJson => JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8')) as PackageJson;

/** The root's scripts, and each workspace's by package name (for `npm start -w @tributary/orders-api`). */
const packageScripts = (() => {
  const top = readPackage('.');
  const folders = (top.workspaces ?? []).flatMap((pattern) =>
    pattern.endsWith('/*') ? readdirSync(join(root, pattern.slice(0, -2))).map((name) => `${pattern.slice(0, -2)}/${name}`) : [pattern],
  );
  const workspaces = folders.filter((folder) => existsSync(join(root, folder, 'package.json'))).map(readPackage);
  return { root: top.scripts ?? {}, byName: new Map(workspaces.map((workspace) => [workspace.name, workspace.scripts ?? {}])) };
})();

describe('docs', () => {
  it('keeps the README short enough to read in minutes', () => {
    expect(statSync(join(root, 'README.md')).size).toBeLessThanOrEqual(readmeBytes);
  });

  it('has every page, and the README maps each of them', () => {
    const present = readdirSync(docsDir).filter((name) => name.endsWith('.md'));
    expect(present).toEqual(expect.arrayContaining(pages));
    const mapped = new Set(parts.get('README.md')?.links.map((link) => link.split('#')[0]));
    expect(present.filter((page) => !mapped.has(`docs/${page}`))).toEqual([]);
  });

  it('says in the README that npm test is the test command and that .ci/run calls it', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('npm test');
    expect(readme).toContain('.ci/run');
    expect(readFileSync(join(root, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('names every folder under apps/ and libs/ in the architecture code map', () => {
    const architecture = readFileSync(join(docsDir, 'ARCHITECTURE.md'), 'utf8');
    const folders = ['apps', 'libs'].flatMap((folder) => readdirSync(join(root, folder)).map((name) => `${folder}/${name}`));
    expect(folders.filter((folder) => !architecture.includes(`\`${folder}\``))).toEqual([]);
  });

  it('runs only tributary commands and options that exist', async () => {
    const problems: string[] = [];
    const helped = new Set<string>();
    let checked = 0;
    for (const [file, doc] of parts) {
      for (const invocation of runnable(doc).flatMap(tributaryInvocations)) {
        checked++;
        const { path, leaf, problem } = resolveCommand(invocation.words);
        if (problem) {
          problems.push(`${file}: \`${invocation.text}\`: ${problem}`);
          continue;
        }
        if (leaf) {
          const known = optionsOf(leaf);
          const flags = invocation.words.flatMap((word) => [...word.matchAll(/(?:^|[[|])--([a-z][a-z0-9-]*)/g)].map((match) => match[1] ?? ''));
          for (const flag of flags.filter((name) => !known.has(name))) problems.push(`${file}: \`${invocation.text}\`: tributary ${path.join(' ')} has no option --${flag}`);
        }
        const key = path.join(' ');
        if (helped.has(key)) continue;
        helped.add(key);
        // The user's way in: `tributary <path> --help` must answer, from the real command table.
        const { io, out } = capturingIo();
        const code = await runCli(cli, [...path, '--help'], io);
        if (code !== 0) problems.push(`${file}: \`tributary ${key} --help\` exited ${code}: ${out.join(' ')}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it('shows shell code that runs as pasted: no <placeholder>, which a shell reads as a redirection', () => {
    const problems = [...parts].flatMap(([file, doc]) => doc.shellLines.filter((line) => /<[A-Za-z][\w.:-]*>/.test(line)).map((line) => `${file}: ${line.trim()}`));
    expect(problems).toEqual([]);
  });

  it('names only npm scripts that package.json has', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const [file, doc] of parts) {
      for (const { script, workspace, text } of runnable(doc).flatMap(npmInvocations)) {
        checked++;
        const scripts = workspace === undefined ? packageScripts.root : packageScripts.byName.get(workspace);
        if (!scripts) problems.push(`${file}: \`${text}\`: no workspace ${workspace}`);
        else if (!(script in scripts)) problems.push(`${file}: \`${text}\`: no script '${script}'${workspace ? ` in ${workspace}` : ''}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });

  it('links only to files and headings that exist', () => {
    const problems: string[] = [];
    for (const [file, doc] of parts) {
      for (const link of doc.links.filter((target) => !/^[a-z]+:/.test(target))) {
        const [target = '', anchor] = link.split('#');
        const resolved = target === '' ? join(root, file) : resolve(dirname(join(root, file)), target);
        if (!existsSync(resolved)) {
          problems.push(`${file}: link to ${link}: no file ${relative(root, resolved)}`);
          continue;
        }
        if (anchor === undefined) continue;
        const linked = parts.get(relative(root, resolved)) ?? (resolved.endsWith('.md') ? parseMarkdown(readFileSync(resolved, 'utf8')) : undefined);
        if (!linked) problems.push(`${file}: link to ${link}: an anchor into a file that is not Markdown`);
        else if (!headingAnchors(linked.headings).has(anchor)) problems.push(`${file}: link to ${link}: no heading with that anchor`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('names only repository paths that exist', () => {
    const repoPath = /^(?:apps|libs|schemas|infra|test|bench|load|docs|\.ci)\/[\w./-]*$/;
    const problems = [...parts].flatMap(([file, doc]) =>
      doc.codeSpans.filter((span) => repoPath.test(span) && !existsSync(join(root, span))).map((span) => `${file}: \`${span}\` does not exist`),
    );
    expect(problems).toEqual([]);
  });
});
