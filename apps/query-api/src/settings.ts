import { backboneSettings, loadSettings, port, setting, settingsFileSettings, text, tracingSettings } from '@tributary/config';

const { mongoUri, mongoDatabase, mongoTimeoutMs, logLevel } = backboneSettings;

export const queryApiSettings = {
  mongoUri,
  mongoDatabase,
  mongoTimeoutMs,
  logLevel,
  ...settingsFileSettings,
  ...tracingSettings,
  port: setting('QUERY_API_PORT', port(3001), 'Port of the query API'),
  host: setting('HTTP_HOST', text('127.0.0.1'), 'Interface HTTP servers listen on (0.0.0.0 in containers)'),
};

export type QueryApiSettings = ReturnType<typeof loadQueryApiSettings>;

export const loadQueryApiSettings = (env: Record<string, string | undefined> = process.env) => loadSettings(queryApiSettings, env);
