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
  /** Orders answered 503. */
  unavailable?: number;
  /** The orders API's 99th percentile answer time for the orders sent during the fault. */
  p99DuringFaultMs?: number;
  /** Events whose id was on a topic more than once (see countEventIds); counted on the cluster. */
  eventsTwice?: number;
}

type Column = [string, (row: ScenarioResult) => string | undefined];

const optional = (value: number | undefined, format: (value: number) => string): string | undefined => (value === undefined ? undefined : format(value));

const allColumns: Column[] = [
  ['scenario', (row) => row.scenario],
  ['orders sent', (row) => String(row.sent)],
  ['accepted (202)', (row) => String(row.accepted)],
  ['503 answers', (row) => optional(row.unavailable, String)],
  ['orders final', (row) => String(row.final)],
  ['lost', (row) => String(row.lost)],
  ['stuck', (row) => String(row.stuck)],
  ['duplicated', (row) => String(row.duplicated)],
  ['events twice', (row) => optional(row.eventsTwice, String)],
  ['time to recover', (row) => `${row.recoverySeconds.toFixed(1)} s`],
  ['p99 during fault', (row) => optional(row.p99DuringFaultMs, (ms) => `${(ms / 1000).toFixed(2)} s`)],
  ['other answers', (row) => row.notes || '-'],
];

/** A Markdown table: readable as it is in a terminal, and rendered where Markdown is. Columns no row fills are left out. */
export const formatResults = (rows: readonly ScenarioResult[]): string => {
  const columns = allColumns
    .filter(([, cell]) => rows.some((row) => cell(row) !== undefined))
    .map(([title, cell]): [string, (row: ScenarioResult) => string] => [title, (row) => cell(row) ?? '-']);
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
