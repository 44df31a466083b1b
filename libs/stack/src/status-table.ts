import type { ComponentName } from './component.ts';

export type ComponentState =
  /** Our process, answering its health check. */
  | 'running'
  /** Our process, not (yet) healthy. */
  | 'starting'
  | 'stopped'
  /** Not ours, but something listens on its port: the next `up` would fail. */
  | 'port taken';

export interface ComponentStatus {
  component: ComponentName;
  /** A Kafka node's part in its cluster (`broker, controller (active)`); `-` for the others. */
  role: string;
  state: ComponentState;
  pid: number | undefined;
  address: string;
  logFile: string;
}

/** A plain aligned table, readable in a terminal and stable enough to grep. */
export const formatStatusTable = (rows: readonly ComponentStatus[]): string => {
  const header = ['COMPONENT', 'STATE', 'PID', 'ROLE', 'ADDRESS'];
  const cells = rows.map((row) => [row.component, row.state, row.pid === undefined ? '-' : String(row.pid), row.role, row.address]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column]!.length)));
  return [header, ...cells]
    .map((line) => line.map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '))
    .join('\n');
};
