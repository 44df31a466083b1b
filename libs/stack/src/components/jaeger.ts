import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TributaryError } from '@tributary/errors';
import { ensureInstalled } from '../cache.ts';
import type { Component } from '../component.ts';
import { stackPaths } from '../layout.ts';
import { isPortOpen, loopback } from '../network.ts';
import { repoRoot } from '../options.ts';
import { requireGo } from '../prerequisites.ts';
import { versions } from '../versions.ts';
import { runGoStep, sourceFingerprint } from './go-build.ts';
import { renderJaegerConfig } from './jaeger-config.ts';

/**
 * Our module that pins Jaeger as a Go tool. `go install <package>@<version>` cannot build it: the
 * Jaeger module's go.mod has a replace directive, which `go install` refuses; a module of ours
 * that requires it (and repeats the replace) builds the same program.
 */
export const jaegerSourceDir = (): string => join(repoRoot(), 'infra', 'local', 'jaeger');

const sourceFiles = ['go.mod', 'go.sum'];
const jaegerPackage = 'github.com/jaegertracing/jaeger/cmd/jaeger';

const buildJaeger = async (sourceDir: string, staging: string, onProgress: (line: string) => void): Promise<void> => {
  await requireGo('Jaeger, the local trace store');
  const action = `Jaeger ${versions.jaeger}`;
  // Downloading first, as its own step, tells a proxy problem apart from a compile error.
  await runGoStep({ args: ['mod', 'download'], cwd: sourceDir, action: `download the modules of ${action}`, onProgress });
  await runGoStep({
    args: [
      'build', '-trimpath', '-buildvcs=false',
      // No debug symbols: a third smaller binary and a faster link. The version is what `jaeger version` shows.
      '-ldflags', `-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=v${versions.jaeger}`,
      '-o', join(staging, 'jaeger'), jaegerPackage,
    ],
    cwd: sourceDir,
    action: `build ${action}`,
    onProgress,
  });
};

export const jaegerUiUrl = (port: number): string => `http://${loopback}:${port}`;

/** The query API answers once storage and the query extension are up, which is when traces can be read. */
export const isJaegerHealthy = async (port: number): Promise<boolean> => {
  // Only once it listens: a client connecting earlier can connect to itself and hold the port.
  if (!(await isPortOpen(port))) return false;
  try {
    const response = await fetch(`${jaegerUiUrl(port)}/api/services`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
};

export const jaegerComponent: Component = {
  name: 'jaeger',
  ports: ({ ports }) => [ports.jaegerUi, ports.jaegerGrpc, ports.otlpHttp, ports.otlpGrpc],
  address: ({ ports }) => jaegerUiUrl(ports.jaegerUi),
  needsJava: false,
  startTimeoutMs: 30_000,
  stopGraceMs: 10_000,
  install: ({ options, onProgress }) => {
    const sourceDir = jaegerSourceDir();
    if (!existsSync(join(sourceDir, 'go.mod'))) {
      throw new TributaryError('PREREQUISITE_MISSING', `The Jaeger build module is missing from ${sourceDir}; restore infra/local/jaeger from git`);
    }
    return ensureInstalled({
      cacheDir: options.cacheDir,
      name: `jaeger-${versions.jaeger}-${sourceFingerprint(sourceDir, sourceFiles)}`,
      description: `Jaeger ${versions.jaeger} (built with Go from infra/local/jaeger; several minutes the first time)`,
      build: (staging) => buildJaeger(sourceDir, staging, onProgress),
      onProgress,
    });
  },
  prepare: async ({ options }, installDir) => {
    const paths = stackPaths(options.stackDir, 'jaeger');
    await mkdir(paths.home, { recursive: true });
    // The config's path carries the stack folder, which is how `isOurs` tells this process apart.
    const configFile = join(paths.home, 'config.yaml');
    const assets = options.jaegerUiAssets;
    if (assets !== undefined && !existsSync(join(assets, 'index.html'))) {
      throw new TributaryError('CONFIG_INVALID', `TRIBUTARY_JAEGER_UI_ASSETS=${assets} has no index.html; point it at a built Jaeger UI (the build folder of jaeger-ui) or unset it`, {
        details: { variable: 'TRIBUTARY_JAEGER_UI_ASSETS', value: assets },
      });
    }
    await writeFile(configFile, renderJaegerConfig(options.ports, assets));
    return { command: join(installDir, 'jaeger'), args: ['--config', configFile], cwd: paths.home };
  },
  isHealthy: ({ ports }) => isJaegerHealthy(ports.jaegerUi),
};
