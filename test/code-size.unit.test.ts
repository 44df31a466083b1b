import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Small modules with one job: no source file in apps/ or libs/ over 250 lines, no function in
 * libs/ over 80. Generated code is exempt; it is written by codegen, not read.
 */
const root = join(import.meta.dirname, '..');
const maxFileLines = 250;
const maxFunctionLines = 80;

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'generated', 'dist'].includes(entry.name) ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

const lineCount = (text: string): number => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/** Every function (declaration, expression, arrow, method) with the lines it spans. */
const functionLengths = (file: string): { name: string; lines: number }[] => {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: { name: string; lines: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ name: `${relative(root, file)}:${start + 1}`, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
};

describe('code size', () => {
  it(`keeps every source file in apps/ and libs/ within ${maxFileLines} lines`, () => {
    const long = [...sourceFiles(join(root, 'apps')), ...sourceFiles(join(root, 'libs'))]
      .map((file) => ({ file: relative(root, file), lines: lineCount(readFileSync(file, 'utf8')) }))
      .filter(({ lines }) => lines > maxFileLines);
    expect(long).toEqual([]);
  });

  it(`keeps every function in libs/ within ${maxFunctionLines} lines`, () => {
    const long = sourceFiles(join(root, 'libs'))
      .filter((file) => !file.endsWith('.test.ts'))
      .flatMap(functionLengths)
      .filter(({ lines }) => lines > maxFunctionLines);
    expect(long).toEqual([]);
  });
});
