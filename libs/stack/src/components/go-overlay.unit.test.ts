import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdit, type OverlaySpec } from './go-overlay.ts';
import { ferretdbSourceDir } from './store.ts';

describe('applyEdit', () => {
  const edit = { file: 'a.go', find: `X = "->'$._id'"`, replace: 'X = `->"_id"`' };

  it('replaces the one occurrence', () => {
    expect(applyEdit(`const (\n\tX = "->'$._id'"\n)`, edit)).toBe('const (\n\tX = `->"_id"`\n)');
  });

  it('refuses a file where the text is missing or repeated, naming the spec to update', () => {
    expect(() => applyEdit('const X = 1', edit)).toThrow(/exactly once in a\.go.*overlay\.json/);
    expect(() => applyEdit(`X = "->'$._id'"\nX = "->'$._id'"`, edit)).toThrow(/exactly once/);
  });
});

describe('the FerretDB build overlay', () => {
  it('names its module, its reasons and at least one edit', () => {
    const spec = JSON.parse(readFileSync(join(ferretdbSourceDir(), 'overlay.json'), 'utf8')) as OverlaySpec;
    expect(spec.module).toBe('github.com/FerretDB/FerretDB');
    expect([spec.why].flat().join(' ').length).toBeGreaterThan(40);
    expect(spec.edits.length).toBeGreaterThan(0);
  });
});
