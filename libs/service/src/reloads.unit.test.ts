import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { brokerList, loadSettings, oneOf, positiveInt, setting } from '@tributary/config';
import { createLogger } from '@tributary/logger';
import { createMetricsRegistry, type MetricsRegistry } from '@tributary/metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { openSettings, type SettingsReloads } from './reloads.ts';

const spec = {
  logLevel: setting('LOG_LEVEL', oneOf(['info', 'debug'], 'info'), 'Log level', { reloadable: true }),
  volume: setting('BREAKER_VOLUME_THRESHOLD', positiveInt(5), 'Calls before the breaker may open', { reloadable: true }),
  brokers: setting('KAFKA_BROKERS', brokerList(['127.0.0.1:9092']), 'Kafka'),
};

const opened: SettingsReloads[] = [];
afterEach(() => {
  for (const reloads of opened.splice(0)) reloads.stop();
});

/** Settings with a file, a logger whose lines are kept, and every change the service was handed. */
const open = async (text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'reloads-')), 'settings.yaml');
  writeFileSync(file, text);
  const lines: Record<string, unknown>[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)));
  const metrics = createMetricsRegistry('test');
  const reloads = await openSettings({ service: 'test', spec, base: loadSettings(spec, {}), file, logger: createLogger({ service: 'test', stream }), metrics });
  opened.push(reloads);
  const applied: { settings: Record<string, unknown>; changed: readonly string[] }[] = [];
  reloads.watch((settings, changed) => applied.push({ settings, changed }));
  const rewrite = async (next: string) => {
    writeFileSync(file, next);
    await reloads.reload();
  };
  return { reloads, lines, applied, metrics, rewrite };
};

const reloadsCounted = async (metrics: MetricsRegistry): Promise<Record<string, number>> => {
  const values = (await metrics.getSingleMetric('config_reloads_total')?.get())?.values ?? [];
  return Object.fromEntries(values.map(({ labels, value }) => [String(labels['result']), value]));
};

describe('settings that change at run time', () => {
  it('starts with the file over the environment', async () => {
    const { reloads } = await open('LOG_LEVEL: debug\nKAFKA_BROKERS: kafka:9092\n');
    expect(reloads.current).toEqual({ logLevel: 'debug', volume: 5, brokers: ['kafka:9092'] });
  });

  it('hands a valid change to the service, with a new version', async () => {
    const { reloads, applied, rewrite, metrics } = await open('BREAKER_VOLUME_THRESHOLD: 5\n');
    const before = reloads.version;
    await rewrite('BREAKER_VOLUME_THRESHOLD: 2\nLOG_LEVEL: debug\n');
    expect(applied).toEqual([{ settings: { logLevel: 'debug', volume: 2, brokers: ['127.0.0.1:9092'] }, changed: ['logLevel', 'volume'] }]);
    expect(reloads.version).not.toBe(before);
    expect(await reloadsCounted(metrics)).toEqual({ applied: 1, unchanged: 0, refused: 0 });
  });

  it('refuses a bad file with one error line naming the field, and keeps the settings in force', async () => {
    const { reloads, applied, rewrite, lines, metrics } = await open('BREAKER_VOLUME_THRESHOLD: 2\n');
    const version = reloads.version;
    await rewrite('BREAKER_VOLUME_THRESHOLD: 0\nLOG_LEVEL: debug\n');
    expect(applied).toEqual([]);
    expect(reloads.current).toMatchObject({ volume: 2, logLevel: 'info' });
    expect(reloads.version).toBe(version);
    const errors = lines.filter((line) => line['level'] === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.['message']).toMatch(/refused: BREAKER_VOLUME_THRESHOLD: must be at least 1 \(got "0"\); the settings in force stay/);
    expect(await reloadsCounted(metrics)).toEqual({ applied: 0, unchanged: 0, refused: 1 });
    expect((await metrics.getSingleMetric('config_last_reload_successful')?.get())?.values[0]?.value).toBe(0);
  });

  it('names a setting that needs a restart in a warning and leaves it as it is', async () => {
    const { reloads, applied, rewrite, lines } = await open('');
    await rewrite('KAFKA_BROKERS: elsewhere:9092\nBREAKER_VOLUME_THRESHOLD: 3\n');
    expect(applied.map(({ changed }) => changed)).toEqual([['volume']]);
    expect(reloads.current).toMatchObject({ brokers: ['127.0.0.1:9092'], volume: 3 });
    expect(lines.find((line) => line['level'] === 'warn')?.['message']).toMatch(/need a restart; left as they are: KAFKA_BROKERS/);
  });

  it('goes back to the start-up value of a setting the file no longer names', async () => {
    const { reloads, rewrite } = await open('LOG_LEVEL: debug\n');
    await rewrite('# nothing\n');
    expect(reloads.current).toMatchObject({ logLevel: 'info' });
  });

  it('reads the file again on SIGHUP', async () => {
    const { reloads, applied } = await open('BREAKER_VOLUME_THRESHOLD: 5\n');
    writeFileSync(reloads.file ?? '', 'BREAKER_VOLUME_THRESHOLD: 4\n');
    process.emit('SIGHUP', 'SIGHUP');
    await reloads.reload();
    expect(applied.at(-1)?.settings).toMatchObject({ volume: 4 });
  });
});
