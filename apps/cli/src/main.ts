import { runCli } from './cli.ts';
import type { GroupCommand, Io } from './command.ts';
import { commands } from './commands/index.ts';

const root: GroupCommand = {
  name: 'tributary',
  summary: 'toolkit of the Tributary event platform',
  subcommands: commands,
};

const io: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
};

process.exitCode = await runCli(root, process.argv.slice(2), io);
