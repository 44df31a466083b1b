import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kafkaSecurity } from './security.ts';

const plain = { kafkaTls: false, kafkaSaslMechanism: 'none' } as const;

describe('Kafka TLS and SASL settings', () => {
  it('connects in plain text by default', () => {
    expect(kafkaSecurity(plain)).toEqual({});
  });

  it('uses TLS with the system CAs, or with the given CA file', () => {
    expect(kafkaSecurity({ ...plain, kafkaTls: true })).toEqual({ ssl: true });
    const ca = join(mkdtempSync(join(tmpdir(), 'ca-')), 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(kafkaSecurity({ ...plain, kafkaTls: true, kafkaTlsCaFile: ca }).ssl).toEqual({ ca: [expect.stringContaining('BEGIN CERTIFICATE')], rejectUnauthorized: true });
    expect(kafkaSecurity({ ...plain, kafkaTls: true, kafkaTlsRejectUnauthorized: false }).ssl).toEqual({ rejectUnauthorized: false });
  });

  it('passes SASL PLAIN and SCRAM credentials through', () => {
    for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
      expect(kafkaSecurity({ ...plain, kafkaSaslMechanism: mechanism, kafkaSaslUsername: 'svc', kafkaSaslPassword: 'pw' }).sasl).toEqual({ mechanism, username: 'svc', password: 'pw' });
    }
  });

  it('refuses settings that cannot work, naming the variables and never the password', () => {
    expect(() => kafkaSecurity({ ...plain, kafkaSaslMechanism: 'plain', kafkaSaslPassword: 'pw-secret' })).toThrow(/KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/);
    try {
      kafkaSecurity({ ...plain, kafkaSaslMechanism: 'scram-sha-256', kafkaSaslPassword: 'pw-secret' });
    } catch (error) {
      expect((error as Error).message).not.toContain('pw-secret');
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    }
    expect(() => kafkaSecurity({ ...plain, kafkaTlsCaFile: '/ca.pem' })).toThrow(/KAFKA_TLS=true/);
    expect(() => kafkaSecurity({ ...plain, kafkaTls: true, kafkaTlsCaFile: '/no/such/ca.pem' })).toThrow(/cannot read \/no\/such\/ca.pem/);
  });
});
