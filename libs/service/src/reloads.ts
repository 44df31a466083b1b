import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { overlaySettings, readSettingsFile, settingsChanges, settingsVersion, type Settings, type SettingsSpec } from '@tributary/config';
import { toTributaryError } from '@tributary/errors';
import type { Logger } from '@tributary/logger';
import { counter, gauge, type MetricsRegistry } from '@tributary/metrics';

type Values = Settings<SettingsSpec>;

export interface ReloadOptions {
  service: string;
  spec: SettingsSpec;
  /** The settings read from the environment at start; a setting the file leaves out keeps its value here. */
  base: Values;
  /** TRIBUTARY_CONFIG_FILE; without one the start-up settings stay as they are. */
  file: string | undefined;
  logger: Logger;
  metrics: MetricsRegistry;
  /** How often the file is looked at for a change. */
  pollIntervalMs?: number;
}

export interface SettingsReloads {
  /** The settings in force: the start-up ones with the file's over them. */
  readonly current: Values;
  /** Names the run-time settings in force (shown by /readyz). */
  readonly version: string;
  readonly file: string | undefined;
  /** Watches the file and listens for SIGHUP; each change valid and new is handed to `apply`. */
  watch(apply: (settings: Values, changed: readonly string[]) => void): void;
  /** Reads the file again now, as a SIGHUP does. */
  reload(): Promise<void>;
  stop(): void;
}

const results = ['applied', 'unchanged', 'refused'] as const;

const reloadMetrics = (metrics: MetricsRegistry) => {
  const reloads = counter(metrics, 'config_reloads_total', 'Reads of the settings file (TRIBUTARY_CONFIG_FILE) after start, by result: applied, unchanged or refused', ['result']);
  const healthy = gauge(metrics, 'config_last_reload_successful', '1 when the last read of the settings file was valid, 0 when it was refused');
  for (const result of results) reloads.inc({ result }, 0);
  healthy.set(1);
  return (result: (typeof results)[number]) => {
    reloads.inc({ result });
    healthy.set(result === 'refused' ? 0 : 1);
  };
};

/** Runs a task one at a time; calls made meanwhile run it once more after the running one ends. */
const oneAtATime = (task: () => Promise<void>) => {
  let running: Promise<void> | undefined;
  let again = false;
  return (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await task();
      } while (again);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
};

/**
 * The settings a service runs with, from the environment and the settings file over it. The file
 * is read once before the service starts (a bad one stops the start), then watched and reread on
 * SIGHUP: a valid change of the settings that may change at run time is applied; a change of any
 * other is named in a warning and left as it is; a bad file is refused with one error line, and the
 * settings in force stay.
 */
export const openSettings = async ({ service, spec, base, file, logger, metrics, pollIntervalMs = 1_000 }: ReloadOptions): Promise<SettingsReloads> => {
  const counted = reloadMetrics(metrics);
  const overlay = async (path: string) => {
    const { settings, unknown } = overlaySettings(spec, base, path, await readSettingsFile(path));
    if (unknown.length > 0) logger.warn(`settings file ${path}: not settings of ${service}, left alone: ${unknown.join(', ')}`, { file: path });
    return settings;
  };
  const state = { current: file === undefined ? base : await overlay(file), version: '' };
  state.version = settingsVersion(spec, state.current);
  if (file !== undefined) logger.info('settings file read', { file, version: state.version });
  let apply: ((settings: Values, changed: readonly string[]) => void) | undefined;

  const reloadFrom = async (path: string): Promise<void> => {
    try {
      const next = await overlay(path);
      const { reloadable, fixed } = settingsChanges(spec, state.current, next);
      if (fixed.length > 0) logger.warn(`settings file ${path} changes settings that need a restart; left as they are: ${fixed.join(', ')}`, { file: path });
      if (reloadable.length === 0) return counted('unchanged');
      const changed = { ...state.current, ...Object.fromEntries(reloadable.map((key) => [key, next[key]])) };
      apply?.(changed, reloadable);
      state.current = changed;
      state.version = settingsVersion(spec, changed);
      counted('applied');
      const shown = Object.fromEntries(reloadable.map((key) => [spec[key]?.env ?? key, spec[key]?.secret ? '(hidden)' : changed[key]]));
      logger.info('settings reloaded', { file: path, version: state.version, changed: shown });
    } catch (error) {
      const failure = toTributaryError(error);
      counted('refused');
      logger.error(`${failure.message}; the settings in force stay (version ${state.version})`, { code: failure.code, file: path });
    }
  };
  const reload = oneAtATime(() => (file === undefined ? Promise.resolve() : reloadFrom(file)));
  const onHangup = () => {
    logger.info('SIGHUP: reading the settings file again', { file });
    void reload();
  };
  const onChange = (now: Stats, before: Stats) => {
    if (now.mtimeMs !== before.mtimeMs || now.size !== before.size || now.ino !== before.ino) void reload();
  };

  return {
    get current() {
      return state.current;
    },
    get version() {
      return state.version;
    },
    file,
    watch(applyChange) {
      apply = applyChange;
      if (file === undefined) return;
      // Polling the file's stat follows a replaced file and a Kubernetes ConfigMap's symlink swap alike.
      watchFile(file, { interval: pollIntervalMs, persistent: false }, onChange);
      // Only with a file: without one, SIGHUP keeps its default (a closed terminal stops the process).
      process.on('SIGHUP', onHangup);
    },
    reload,
    stop() {
      if (file === undefined) return;
      unwatchFile(file, onChange);
      process.off('SIGHUP', onHangup);
    },
  };
};
