import { createAvroCodec, loadSchemaCatalog, type AvroCodec } from '@tributary/avro';
import { backboneSettings, loadSettings } from '@tributary/config';
import { createKafkaClient } from '@tributary/kafka';
import { createLogger } from '@tributary/logger';
import type { Kafka } from 'kafkajs';

/** Kafka and the codec as the services see them: addresses from KAFKA_BROKERS and SCHEMA_REGISTRY_URL. */
export const connectFromEnvironment = (env: NodeJS.ProcessEnv, clientId: string): { kafka: Kafka; codec: AvroCodec } => {
  const { kafkaBrokers, kafkaTls, kafkaTlsCaFile, kafkaTlsRejectUnauthorized, kafkaSaslMechanism, kafkaSaslUsername, kafkaSaslPassword, schemaRegistryUrl } = backboneSettings;
  const settings = loadSettings({ kafkaBrokers, kafkaTls, kafkaTlsCaFile, kafkaTlsRejectUnauthorized, kafkaSaslMechanism, kafkaSaslUsername, kafkaSaslPassword, schemaRegistryUrl }, env);
  // kafkajs's own lines go to stderr, so stdout keeps only the command's results.
  const logger = createLogger({ service: clientId, level: 'error', stream: process.stderr });
  return {
    kafka: createKafkaClient({ brokers: settings.kafkaBrokers, clientId, logger, security: settings }),
    codec: createAvroCodec({ registryUrl: settings.schemaRegistryUrl, catalog: loadSchemaCatalog() }),
  };
};

export const environmentHelp = [
  'Environment:',
  '  KAFKA_BROKERS          Kafka bootstrap servers (default 127.0.0.1:9092)',
  '  SCHEMA_REGISTRY_URL    schema registry (default http://127.0.0.1:8081/apis/ccompat/v7)',
  '  KAFKA_TLS, KAFKA_TLS_CA_FILE, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD',
  '                         a secured Kafka (docs/configuration.md#kafka-security)',
].join('\n');
