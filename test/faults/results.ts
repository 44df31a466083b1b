import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ScenarioResult {
  scenario: string;
  /** Requests made to place an order. */
  sent: number;
  /** Of those, answered 202. */
  accepted: number;
  /** Accepted orders that reached a final state. */
  final: number;
  /** Accepted orders never seen in the read model. */
  lost: number;
  /** Accepted orders in the read model but not final once the saga deadline and a margin had passed. */
  stuck: number;
  duplicated: number;
  /** Seconds from the end of the fault until every accepted order was final. */
  recoverySeconds: number;
  /** Answers other than 202, e.g. "503 KAFKA_UNAVAILABLE ×12". */
  notes: string;
}

const columns: [string, (row: ScenarioResult) => string][] = [
  ['scenario', (row) => row.scenario],
  ['orders sent', (row) => String(row.sent)],
  ['accepted (202)', (row) => String(row.accepted)],
  ['orders final', (row) => String(row.final)],
  ['lost', (row) => String(row.lost)],
  ['stuck', (row) => String(row.stuck)],
  ['duplicated', (row) => String(row.duplicated)],
  ['time to recover', (row) => `${row.recoverySeconds.toFixed(1)} s`],
  ['other answers', (row) => row.notes || '-'],
];

/** A Markdown table: readable as it is in a terminal, and rendered where Markdown is. */
export const formatResults = (rows: readonly ScenarioResult[]): string => {
  const cells = [columns.map(([title]) => title), ...rows.map((row) => columns.map(([, cell]) => cell(row).replaceAll('|', '/')))];
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => (line[index] ?? '').length)));
  const line = (values: string[]): string => `| ${values.map((value, index) => value.padEnd(widths[index] ?? 0)).join(' | ')} |`;
  const [header = [], ...body] = cells;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...body.map(line)].join('\n');
};

export const writeResults = async (file: string, title: string, rows: readonly ScenarioResult[]): Promise<void> => {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, `# ${title}\n\n${new Date().toISOString()}\n\n${formatResults(rows)}\n`);
};

/** A scenario's verdict and the services' warnings and errors, named after it, next to the table. */
export const writeScenarioLog = async (dir: string, scenario: string, verdict: unknown, logs: string): Promise<void> => {
  await mkdir(dir, { recursive: true });
  const base = join(dir, scenario.toLowerCase().replace(/[^a-z0-9]+/g, '-'));
  await writeFile(`${base}.json`, `${JSON.stringify(verdict, null, 2)}\n`);
  await writeFile(`${base}.log`, logs);
};
