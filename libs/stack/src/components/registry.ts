import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TributaryError } from '@tributary/errors';
import { ensureInstalled } from '../cache.ts';
import type { Component } from '../component.ts';
import { stackPaths } from '../layout.ts';
import { isPortOpen, loopback } from '../network.ts';
import { requireMaven } from '../prerequisites.ts';
import { lastLines, runCommand } from '../run.ts';
import { versions } from '../versions.ts';

const artifact = `io.apicurio:apicurio-registry-app:${versions.apicurio}:tar.gz:all`;

const installRegistry = async (staging: string): Promise<void> => {
  await requireMaven();
  const download = join(staging, 'download');
  const fetched = await runCommand('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${download}`]);
  const tarball = existsSync(download) ? (await readdir(download)).find((name) => name.endsWith('.tar.gz')) : undefined;
  if (fetched.code !== 0 || tarball === undefined) {
    throw new TributaryError(
      'DOWNLOAD_FAILED',
      `Maven could not fetch ${artifact} from Maven Central; check network access or the proxy in ~/.m2/settings.xml, then retry. Maven said:\n${lastLines(fetched.output, 15)}`,
      { details: { exitCode: fetched.code } },
    );
  }
  const extracted = await runCommand('tar', ['-xzf', join(download, tarball), '-C', staging]);
  if (extracted.code !== 0) {
    throw new TributaryError('DOWNLOAD_FAILED', `Could not extract ${tarball}; the download may be corrupt, retry. tar said:\n${lastLines(extracted.output, 10)}`);
  }
  await rm(download, { recursive: true, force: true });
  registryLauncher(staging);
};

/**
 * The jar to run: 3.0.x ships an `*-runner.jar` next to `lib/`, later releases the Quarkus
 * fast-jar layout (`quarkus-run.jar`, possibly under `quarkus-app/`). Detecting it keeps a
 * version bump a one-line change.
 */
export const registryLauncher = (installDir: string): string => {
  for (const candidate of ['quarkus-run.jar', join('quarkus-app', 'quarkus-run.jar')]) {
    if (existsSync(join(installDir, candidate))) return join(installDir, candidate);
  }
  const runner = existsSync(installDir) ? readdirSync(installDir).find((name) => name.endsWith('-runner.jar')) : undefined;
  if (runner) return join(installDir, runner);
  throw new TributaryError(
    'DOWNLOAD_FAILED',
    `No runnable jar (quarkus-run.jar or *-runner.jar) in ${installDir}; delete that folder so the next start installs it again`,
  );
};

export const registryArgs = (launcher: string, port: number, dataDir: string): string[] => [
  '-Xmx512m',
  '-Djava.awt.headless=true',
  `-Dquarkus.http.port=${port}`,
  `-Dquarkus.http.host=${loopback}`,
  // Health must answer on the one port we own, not on a separate management port.
  '-Dquarkus.management.enabled=false',
  // The default store is in-memory H2; Kafka keeps records across restarts, so the schemas their
  // ids point at must survive too.
  `-Dapicurio.datasource.url=jdbc:h2:file:${join(dataDir, 'registry')}`,
  // The default pool of 20 connections is sized for a server database, not a local file.
  '-Dapicurio.datasource.jdbc.initial-size=2',
  '-Dapicurio.datasource.jdbc.min-size=2',
  '-Dapicurio.datasource.jdbc.max-size=20',
  // Lookups (POST /subjects/{subject}) match on the parsed schema, as Confluent's registry does, not
  // on the exact text: a client that formats the .avsc its own way still finds the registered version.
  '-Dapicurio.ccompat.use-canonical-hash=true',
  '-Dquarkus.http.access-log.enabled=false',
  '-Dquarkus.log.category."io.apicurio".level=WARN',
  '-Dquarkus.log.category."io.quarkus".level=INFO',
  '-jar', launcher,
];

export const isRegistryHealthy = async (port: number): Promise<boolean> => {
  // Only once the registry listens: a client connecting earlier can connect to itself and hold the port.
  if (!(await isPortOpen(port))) return false;
  try {
    const response = await fetch(`http://${loopback}:${port}/health/ready`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
};

export const registryComponent: Component = {
  name: 'registry',
  ports: ({ ports }) => [ports.registry],
  address: ({ ports }) => `http://${loopback}:${ports.registry}/apis/ccompat/v7`,
  needsJava: true,
  startTimeoutMs: 120_000,
  stopGraceMs: 15_000,
  install: ({ options, onProgress }) =>
    ensureInstalled({
      cacheDir: options.cacheDir,
      name: `apicurio-registry-${versions.apicurio}`,
      description: `Apicurio Registry ${versions.apicurio} (${artifact} from Maven Central, ~110 MB)`,
      build: installRegistry,
      onProgress,
    }),
  prepare: async ({ options, java }, installDir) => {
    const paths = stackPaths(options.stackDir, 'registry');
    await mkdir(paths.data, { recursive: true });
    return { command: await java(), args: registryArgs(registryLauncher(installDir), options.ports.registry, paths.data), cwd: paths.home };
  },
  isHealthy: ({ ports }) => isRegistryHealthy(ports.registry),
};
