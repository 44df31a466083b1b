import { readFileSync } from 'node:fs';
import { TributaryError } from '@tributary/errors';
import type { SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';

export interface KafkaSecuritySettings {
  kafkaTls: boolean;
  kafkaTlsCaFile?: string | undefined;
  kafkaTlsRejectUnauthorized?: boolean;
  kafkaSaslMechanism: 'none' | 'plain' | 'scram-sha-256' | 'scram-sha-512';
  kafkaSaslUsername?: string | undefined;
  kafkaSaslPassword?: string | undefined;
}

export interface KafkaSecurity {
  ssl?: boolean | ConnectionOptions;
  sasl?: SASLOptions;
}

/**
 * kafkajs connection options for TLS and SASL from the settings. A mechanism without credentials,
 * or an unreadable CA file, is a configuration error at start, not a failed handshake later.
 */
export const kafkaSecurity = (settings: KafkaSecuritySettings): KafkaSecurity => {
  const security: KafkaSecurity = {};
  if (settings.kafkaTls) {
    const rejectUnauthorized = settings.kafkaTlsRejectUnauthorized ?? true;
    if (settings.kafkaTlsCaFile === undefined) {
      security.ssl = rejectUnauthorized ? true : { rejectUnauthorized };
    } else {
      try {
        security.ssl = { ca: [readFileSync(settings.kafkaTlsCaFile, 'utf8')], rejectUnauthorized };
      } catch (cause) {
        throw new TributaryError('CONFIG_INVALID', `KAFKA_TLS_CA_FILE: cannot read ${settings.kafkaTlsCaFile}: ${(cause as Error).message}`, { cause });
      }
    }
  } else if (settings.kafkaTlsCaFile !== undefined) {
    throw new TributaryError('CONFIG_INVALID', 'KAFKA_TLS_CA_FILE is set but KAFKA_TLS is not true: set KAFKA_TLS=true to use it');
  }
  if (settings.kafkaSaslMechanism !== 'none') {
    const { kafkaSaslUsername: username, kafkaSaslPassword: password } = settings;
    if (username === undefined || password === undefined) {
      throw new TributaryError('CONFIG_INVALID', `KAFKA_SASL_MECHANISM=${settings.kafkaSaslMechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);
    }
    security.sasl = { mechanism: settings.kafkaSaslMechanism, username, password };
  }
  return security;
};
