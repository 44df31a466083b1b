import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSchemasDir, loadSchemaCatalog } from '@tributary/avro';
import { generateTypes } from './codegen.ts';

/** Where the generated types live: committed, so code compiles without a generation step. */
export const generatedDir = (): string => fileURLToPath(new URL('./generated', import.meta.url));

/** The generated files for a schema folder, in memory. */
export const generateFromSchemas = (schemasDir: string = defaultSchemasDir()): Record<string, string> =>
  generateTypes(loadSchemaCatalog(schemasDir).entries);

const existing = (dir: string): string[] => {
  try {
    return readdirSync(dir).filter((file) => file.endsWith('.ts'));
  } catch {
    return [];
  }
};

export interface StaleFile {
  readonly file: string;
  readonly reason: 'missing' | 'differs' | 'unexpected';
}

/** Which files on disk differ from what the schemas generate (missing, changed, or left over). */
export const staleGeneratedFiles = (files: Record<string, string>, dir: string = generatedDir()): StaleFile[] => {
  const onDisk = existing(dir);
  const stale: StaleFile[] = [];
  for (const [file, text] of Object.entries(files)) {
    if (!onDisk.includes(file)) stale.push({ file, reason: 'missing' });
    else if (readFileSync(path.join(dir, file), 'utf8') !== text) stale.push({ file, reason: 'differs' });
  }
  for (const file of onDisk) if (!(file in files)) stale.push({ file, reason: 'unexpected' });
  return stale;
};

/** Writes what changed and removes files no schema generates any more; returns what it touched. */
export const writeGeneratedFiles = (files: Record<string, string>, dir: string = generatedDir()): StaleFile[] => {
  const stale = staleGeneratedFiles(files, dir);
  mkdirSync(dir, { recursive: true });
  for (const { file, reason } of stale) {
    if (reason === 'unexpected') rmSync(path.join(dir, file));
    else writeFileSync(path.join(dir, file), files[file] as string);
  }
  return stale;
};
