import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokerList, loadSettings, oneOf, overlaySettings, positiveInt, readSettingsFile, setting, settingsChanges, settingsVersion } from './index.ts';

const spec = {
  logLevel: setting('LOG_LEVEL', oneOf(['info', 'debug'], 'info'), 'Log level', { reloadable: true }),
  volume: setting('BREAKER_VOLUME_THRESHOLD', positiveInt(5), 'Calls before the breaker may open', { reloadable: true }),
  brokers: setting('KAFKA_BROKERS', brokerList(['127.0.0.1:9092']), 'Kafka'),
};
const base = loadSettings(spec, {});

const fileWith = (name: string, text: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'settings-')), name);
  writeFileSync(file, text);
  return file;
};

describe('the settings file', () => {
  it('reads YAML and JSON alike, a list as comma-separated text and a null as not set', async () => {
    expect(await readSettingsFile(fileWith('s.yaml', 'LOG_LEVEL: debug\nBREAKER_VOLUME_THRESHOLD: 3\nKAFKA_BROKERS: [a:1, b:2]\nOTHER: null\n'))).toEqual({
      LOG_LEVEL: 'debug',
      BREAKER_VOLUME_THRESHOLD: '3',
      KAFKA_BROKERS: 'a:1,b:2',
      OTHER: undefined,
    });
    expect(await readSettingsFile(fileWith('s.json', '{"LOG_LEVEL": "debug", "BREAKER_VOLUME_THRESHOLD": 3}'))).toEqual({ LOG_LEVEL: 'debug', BREAKER_VOLUME_THRESHOLD: '3' });
    expect(await readSettingsFile(fileWith('empty.yaml', ''))).toEqual({});
  });

  it('refuses a file that is missing, not YAML, not a mapping, or holds a nested value, saying which', async () => {
    await expect(readSettingsFile('/nonexistent/settings.yaml')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(readSettingsFile('/nonexistent/settings.yaml')).rejects.toThrow(/cannot read it \(ENOENT\)/);
    await expect(readSettingsFile(fileWith('bad.yaml', 'LOG_LEVEL: [debug\n'))).rejects.toThrow(/not YAML or JSON/);
    await expect(readSettingsFile(fileWith('list.yaml', '- LOG_LEVEL\n'))).rejects.toThrow(/must be a mapping of settings/);
    await expect(readSettingsFile(fileWith('nested.yaml', 'LOG_LEVEL:\n  level: debug\n'))).rejects.toThrow(/LOG_LEVEL: must be a single value or a list/);
  });

  it('lays its values over the start-up settings through the same schemas, and lists keys the service does not have', () => {
    const { settings, unknown } = overlaySettings(spec, base, 'f.yaml', { LOG_LEVEL: 'debug', BREAKER_VOLUME_THRESHOLD: '3', ORDER_DEADLINE_MS: '100' });
    expect(settings).toEqual({ logLevel: 'debug', volume: 3, brokers: ['127.0.0.1:9092'] });
    expect(unknown).toEqual(['ORDER_DEADLINE_MS']);
  });

  it('refuses a bad value with the field, the reason and the value, in one message', () => {
    expect(() => overlaySettings(spec, base, 'f.yaml', { BREAKER_VOLUME_THRESHOLD: '0', LOG_LEVEL: 'loud' })).toThrowError(
      'Settings file f.yaml refused: BREAKER_VOLUME_THRESHOLD: must be at least 1 (got "0") | LOG_LEVEL: must be one of info, debug (got "loud")',
    );
  });

  it('tells the settings that may change at run time from those that need a restart', () => {
    const next = { ...base, volume: 2, brokers: ['kafka:9092'] };
    expect(settingsChanges(spec, base, next)).toEqual({ reloadable: ['volume'], fixed: ['KAFKA_BROKERS'] });
    expect(settingsChanges(spec, base, { ...base })).toEqual({ reloadable: [], fixed: [] });
  });

  it('gives equal run-time settings the same version, whatever the other settings are', () => {
    expect(settingsVersion(spec, base)).toMatch(/^[0-9a-f]{12}$/);
    expect(settingsVersion(spec, { ...base, brokers: ['kafka:9092'] })).toBe(settingsVersion(spec, base));
    expect(settingsVersion(spec, { ...base, volume: 2 })).not.toBe(settingsVersion(spec, base));
  });
});
