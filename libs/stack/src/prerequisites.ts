import { join } from 'node:path';
import { TributaryError } from '@tributary/errors';
import { minimumJavaMajor } from './versions.ts';
import { runCommand } from './run.ts';

/** JAVA_HOME wins over PATH, as for every other Java tool, so a machine with several JDKs can choose. */
export const javaCommand = (env: NodeJS.ProcessEnv = process.env): string =>
  env['JAVA_HOME'] ? join(env['JAVA_HOME'], 'bin', 'java') : 'java';

/**
 * Runs `<command> <versionArgs>` and returns its output; if the tool cannot run, fails with
 * `problem`, a sentence that says what is missing and how to get it.
 */
const probe = async (command: string, versionArgs: readonly string[], problem: string): Promise<string> => {
  try {
    const result = await runCommand(command, versionArgs);
    if (result.code !== 0) throw new Error(`${command} ${versionArgs.join(' ')} exited with ${result.code}: ${result.output}`);
    return result.output;
  } catch (cause) {
    throw new TributaryError('PREREQUISITE_MISSING', problem, { cause, details: { command } });
  }
};

/** Parses the major version out of `java -version` output ("17.0.15", "1.8.0_392", "21"). */
export const parseJavaMajor = (versionOutput: string): number | undefined => {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match?.[1]) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
};

export const requireJava = async (env: NodeJS.ProcessEnv = process.env): Promise<string> => {
  const command = javaCommand(env);
  const javaHome = env['JAVA_HOME'];
  const problem = javaHome
    ? `JAVA_HOME=${javaHome} has no working bin/java; point JAVA_HOME at a JDK ${minimumJavaMajor} or newer, or unset it to use java from PATH`
    : `Java is needed to run Kafka and the schema registry but \`java\` is not on PATH; install a JDK ${minimumJavaMajor} or newer (e.g. \`apt-get install openjdk-17-jdk-headless\`) or set JAVA_HOME`;
  const output = await probe(command, ['-version'], problem);
  const major = parseJavaMajor(output);
  if (major !== undefined && major < minimumJavaMajor) {
    throw new TributaryError(
      'PREREQUISITE_MISSING',
      `Java ${minimumJavaMajor} or newer is needed to run Kafka but ${command} is Java ${major}; install a newer JDK or point JAVA_HOME at one`,
      { details: { command, major } },
    );
  }
  return command;
};

export const requireMaven = (): Promise<string> =>
  probe(
    'mvn',
    ['-v'],
    'Maven is needed once to download Kafka and the schema registry from Maven Central but `mvn` is not on PATH; install Apache Maven (e.g. `apt-get install maven`)',
  );

/** `purpose` names what is built, for the message when Go is missing. */
export const requireGo = (purpose = 'the MongoDB-compatible store (FerretDB)'): Promise<string> =>
  probe('go', ['version'], `Go is needed once to build ${purpose} but \`go\` is not on PATH; install Go 1.24 or newer from https://go.dev/dl/`);
