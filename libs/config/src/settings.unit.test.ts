import { describe, expect, it } from 'vitest';
import { backboneSettings, loadSettings, port, setting } from './index.ts';

describe('loadSettings', () => {
  it('uses the local defaults when nothing is set', () => {
    const settings = loadSettings(backboneSettings, {});
    expect(settings.kafkaBrokers).toEqual(['127.0.0.1:9092']);
    expect(settings.mongoUri).toBe('mongodb://127.0.0.1:27017');
    expect(settings.topicPartitions).toBe(6);
  });

  it('reads and types values from the environment', () => {
    const settings = loadSettings(backboneSettings, {
      KAFKA_BROKERS: 'a:1, b:2',
      TOPIC_PARTITIONS: '12',
      LOG_LEVEL: 'debug',
    });
    expect(settings.kafkaBrokers).toEqual(['a:1', 'b:2']);
    expect(settings.topicPartitions).toBe(12);
    expect(settings.logLevel).toBe('debug');
  });

  it('treats an empty variable as not set', () => {
    expect(loadSettings({ p: setting('P', port(3000), 'port') }, { P: '' }).p).toBe(3000);
  });

  it('names every offending variable in one error', () => {
    expect(() =>
      loadSettings(backboneSettings, { KAFKA_BROKERS: 'nohost', TOPIC_PARTITIONS: 'x', LOG_LEVEL: 'loud' }),
    ).toThrowError(/KAFKA_BROKERS.*TOPIC_PARTITIONS.*LOG_LEVEL/);
  });

  it('never echoes a secret value', () => {
    try {
      loadSettings(backboneSettings, { MONGODB_URI: 'postgres://user:hunter2@db' });
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).toContain('MONGODB_URI');
      expect(String((error as Error).message)).not.toContain('hunter2');
    }
  });
});
