import { join } from 'node:path';
import { TributaryError } from '@tributary/errors';
import { minimumJavaMajor } from './versions.ts';
import { runCommand } from './run.ts';

export interface Tool {
  command: string;
  install: string;
}

/** JAVA_HOME wins over PATH, as for every other Java tool, so a machine with several JDKs can choose. */
export const javaCommand = (env: NodeJS.ProcessEnv = process.env): string =>
  env['JAVA_HOME'] ? join(env['JAVA_HOME'], 'bin', 'java') : 'java';

const missing = (what: string, fix: string, cause?: unknown): TributaryError =>
  new TributaryError('PREREQUISITE_MISSING', `${what} is needed for the local stack but was not found; ${fix}`, { cause });

/** Runs `<command> <versionArgs>` and returns its output, or explains how to install the tool. */
const probe = async (tool: Tool, versionArgs: readonly string[]): Promise<string> => {
  try {
    const result = await runCommand(tool.command, versionArgs);
    if (result.code !== 0) throw new Error(result.output);
    return result.output;
  } catch (cause) {
    throw missing(`${tool.command}`, tool.install, cause);
  }
};

/** Parses the major version out of `java -version` output ("17.0.15", "1.8.0_392", "21"). */
export const parseJavaMajor = (versionOutput: string): number | undefined => {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match?.[1]) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
};

export const requireJava = async (): Promise<string> => {
  const command = javaCommand();
  const output = await probe({ command, install: 'install a JDK 17 or newer (e.g. `apt-get install openjdk-17-jdk-headless`) or set JAVA_HOME' }, ['-version']);
  const major = parseJavaMajor(output);
  if (major !== undefined && major < minimumJavaMajor) {
    throw new TributaryError(
      'PREREQUISITE_MISSING',
      `Java ${minimumJavaMajor} or newer is needed for the local stack but ${command} is Java ${major}; install a newer JDK or point JAVA_HOME at one`,
    );
  }
  return command;
};

export const requireMaven = (): Promise<string> =>
  probe({ command: 'mvn', install: 'install Apache Maven (e.g. `apt-get install maven`); it downloads Kafka and the schema registry from Maven Central' }, ['-v']);

export const requireGo = (): Promise<string> =>
  probe({ command: 'go', install: 'install Go 1.24 or newer from https://go.dev/dl/; it builds the MongoDB-compatible store (FerretDB)' }, ['version']);
