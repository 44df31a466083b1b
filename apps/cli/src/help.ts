import { isGroup, type Command, type LeafCommand } from './command.ts';

const table = (rows: readonly (readonly [string, string])[]): string => {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
};

const optionRows = (command: LeafCommand): [string, string][] => {
  const rows: [string, string][] = Object.entries(command.options ?? {}).map(([name, spec]) => [
    `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ' <value>' : ''}`,
    command.optionHelp?.[name] ?? '',
  ]);
  rows.push(['-h, --help', 'show this help']);
  return rows;
};

/** Help text for any command; `path` is how the user reached it ("tributary stack"). */
export const helpFor = (command: Command, path: string): string => {
  if (isGroup(command)) {
    return [
      `${path} - ${command.summary}`,
      '',
      `Usage: ${path} <command> [options]`,
      '',
      'Commands:',
      table(command.subcommands.map((sub) => [sub.name, sub.summary])),
      '',
      `Run \`${path} <command> --help\` for a command's options.`,
      ...(command.details ? ['', command.details] : []),
    ].join('\n');
  }
  return [
    `${path} - ${command.summary}`,
    '',
    `Usage: ${command.usage}`,
    '',
    'Options:',
    table(optionRows(command)),
    ...(command.details ? ['', command.details] : []),
  ].join('\n');
};
