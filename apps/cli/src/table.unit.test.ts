import { describe, expect, it } from 'vitest';
import { formatTable } from './table.ts';

describe('formatTable', () => {
  it('pads each column to its widest cell and trims the line end', () => {
    expect(formatTable(['A', 'LONG'], [['wide cell', 'x'], ['b', '']])).toEqual(['A          LONG', 'wide cell  x', 'b']);
  });
});
