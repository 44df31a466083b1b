import { chmod, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TributaryError } from '@tributary/errors';
import { lastLines, runCommand } from '../run.ts';

/** Text edits to files of a Go module dependency, applied to a copy of it at build time. */
export interface OverlaySpec {
  /** Why each edit is made, for whoever bumps the pinned version. */
  readonly why: string | readonly string[];
  readonly module: string;
  readonly edits: readonly { readonly file: string; readonly find: string; readonly replace: string }[];
}

/** Applies one edit; the text to find must occur exactly once, so a new upstream version fails loudly. */
export const applyEdit = (source: string, edit: OverlaySpec['edits'][number]): string => {
  const first = source.indexOf(edit.find);
  if (first < 0 || source.indexOf(edit.find, first + 1) >= 0) {
    throw new TributaryError('PREREQUISITE_MISSING', `The build overlay expects "${edit.find}" exactly once in ${edit.file}; the pinned module changed, so update infra/local/ferretdb/overlay.json`);
  }
  return source.slice(0, first) + edit.replace + source.slice(first + edit.find.length);
};

/** Go's module cache is read-only; a copy must be writable to be edited and removed afterwards. */
const makeWritable = async (dir: string): Promise<void> => {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(path);
    else if (entry.isFile()) await chmod(path, 0o644);
  }
};

const go = async (args: string[], cwd: string, action: string): Promise<string> => {
  const result = await runCommand('go', args, { cwd });
  if (result.code !== 0) {
    throw new TributaryError('DOWNLOAD_FAILED', `Go could not ${action}; check access to the Go module proxy (GOPROXY), then retry. Go said:\n${lastLines(result.output, 10)}`, {
      details: { exitCode: result.code },
    });
  }
  return result.output.trim();
};

/**
 * Prepares a build of the program in `sourceDir` against an edited copy of one of its modules: the
 * module is copied out of Go's module cache (which must never change, and which `go build -overlay`
 * refuses to touch), edited, and wired in with a `replace` in a copy of the program. Returns the
 * directory to run `go build` in.
 */
export const prepareEditedBuild = async (sourceDir: string, files: readonly string[], spec: OverlaySpec, workDir: string): Promise<string> => {
  const program = join(workDir, 'program');
  const module = join(workDir, 'module');
  await mkdir(program, { recursive: true });
  for (const file of files) await cp(join(sourceDir, file), join(program, file));
  await go(['mod', 'download', spec.module], program, `download module ${spec.module}`);
  const cached = (await go(['list', '-m', '-f', '{{.Dir}}', spec.module], program, `locate module ${spec.module}`)).split('\n').pop() ?? '';
  await cp(cached, module, { recursive: true });
  await makeWritable(module);
  for (const edit of spec.edits) {
    const path = join(module, edit.file);
    await writeFile(path, applyEdit(await readFile(path, 'utf8'), edit));
  }
  await go(['mod', 'edit', `-replace=${spec.module}=${module}`], program, 'point the build at the edited module');
  return program;
};
