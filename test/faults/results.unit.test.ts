import { describe, expect, it } from 'vitest';
import { formatResults } from './results.ts';

describe('the fault results table', () => {
  it('lines up one row per scenario under the column titles, stuck orders apart from lost ones', () => {
    const table = formatResults([
      { scenario: 'broker restart', sent: 120, accepted: 100, final: 100, lost: 0, stuck: 0, duplicated: 0, recoverySeconds: 12.34, notes: '503 KAFKA_UNAVAILABLE ×20' },
      { scenario: 'poison', sent: 50, accepted: 50, final: 48, lost: 0, stuck: 2, duplicated: 0, recoverySeconds: 1, notes: '' },
    ]).split('\n');
    expect(table).toHaveLength(4);
    expect(table[0]).toMatch(/^\| scenario +\| orders sent \| accepted \(202\) \| orders final \| lost \| stuck \| duplicated \| time to recover \| other answers +\|$/);
    expect(table[2]).toContain('| 12.3 s ');
    expect(table[3]).toContain('| -  ');
    expect(table[3]).toMatch(/\| 0 +\| 2 +\| 0 +\| 1\.0 s /);
    expect(new Set(table.map((line) => line.length)).size).toBe(1);
  });
});
