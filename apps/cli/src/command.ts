import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Io {
  /** Results: tables, endpoints, JSON. */
  out: (text: string) => void;
  /** Progress and diagnostics, kept off stdout so results can be piped. */
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export interface Invocation {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  io: Io;
}

/** A command that does something; `help` is printed for --help and after usage mistakes. */
export interface LeafCommand {
  name: string;
  summary: string;
  usage: string;
  /** Extra help lines after the option list (examples, environment). */
  details?: string;
  options?: OptionSpec;
  /** Descriptions for --help, one per option name. */
  optionHelp?: Record<string, string>;
  positionals?: boolean;
  run: (invocation: Invocation) => Promise<number | void>;
}

/** A command that only groups others (`tributary stack up|down|status`). */
export interface GroupCommand {
  name: string;
  summary: string;
  details?: string;
  subcommands: readonly Command[];
}

export type Command = LeafCommand | GroupCommand;

export const isGroup = (command: Command): command is GroupCommand => 'subcommands' in command;
