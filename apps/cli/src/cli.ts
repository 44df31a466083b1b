import { parseArgs } from 'node:util';
import { toTributaryError } from '@tributary/errors';
import { isGroup, type Command, type GroupCommand, type Io } from './command.ts';
import { helpFor } from './help.ts';
import { usageError } from './usage-error.ts';

const wantsHelp = (args: readonly string[]): boolean => args[0] === '--help' || args[0] === '-h' || args[0] === 'help';

/** Walks the command table, parses the leaf's options and runs it; returns the exit code. */
const dispatch = async (command: Command, path: string, args: string[], io: Io): Promise<number> => {
  if (isGroup(command)) {
    if (args.length === 0 || wantsHelp(args)) {
      io.out(helpFor(command, path));
      return args.length === 0 ? 2 : 0;
    }
    const [name, ...rest] = args;
    const sub = command.subcommands.find((candidate) => candidate.name === name);
    if (!sub) throw usageError(`unknown command '${name}' for ${path}; run \`${path} --help\` for the list`);
    return dispatch(sub, `${path} ${sub.name}`, rest, io);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.positionals ?? false,
      strict: true,
    });
  } catch (error) {
    // parseArgs messages are already one clear sentence ("Unknown option '--x'").
    throw usageError(`${(error as Error).message.split('\n')[0]} (${path}); run \`${path} --help\` for usage`);
  }
  if (parsed.values['help'] === true) {
    io.out(helpFor(command, path));
    return 0;
  }
  const code = await command.run({ values: parsed.values, positionals: parsed.positionals, io });
  return code ?? 0;
};

/**
 * Runs the CLI and turns every failure into one line: `error [CODE]: message`. The stack trace
 * is only for whoever asks for it with TRIBUTARY_DEBUG=1.
 */
export const runCli = async (root: GroupCommand, argv: string[], io: Io): Promise<number> => {
  try {
    return await dispatch(root, root.name, argv, io);
  } catch (thrown) {
    const error = toTributaryError(thrown);
    io.err(`error [${error.code}]: ${error.message}`);
    if (io.env['TRIBUTARY_DEBUG'] === '1') io.err(thrown instanceof Error && thrown.stack ? thrown.stack : String(thrown));
    return error.code === 'USAGE' ? 2 : 1;
  }
};
