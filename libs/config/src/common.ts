import { setting } from './settings.ts';
import { brokerList, httpUrl, mongoUri, oneOf, positiveInt, text } from './types.ts';

export const logLevels = ['error', 'warn', 'info', 'debug'] as const;

/**
 * Settings every service shares: where the backbone is and how to log. Defaults point at the
 * local stack on loopback, so `npm start` needs no configuration at all.
 */
export const backboneSettings = {
  kafkaBrokers: setting('KAFKA_BROKERS', brokerList(['127.0.0.1:9092']), 'Kafka bootstrap servers, comma-separated host:port'),
  schemaRegistryUrl: setting(
    'SCHEMA_REGISTRY_URL',
    httpUrl('http://127.0.0.1:8081/apis/ccompat/v7'),
    'Confluent-compatible schema registry base URL',
    { secret: true },
  ),
  mongoUri: setting('MONGODB_URI', mongoUri('mongodb://127.0.0.1:27017'), 'MongoDB connection string', { secret: true }),
  mongoDatabase: setting('MONGODB_DATABASE', text('tributary'), 'Database holding the read models'),
  topicPartitions: setting('TOPIC_PARTITIONS', positiveInt(6, 10_000), 'Partitions of topics the platform creates'),
  topicReplicationFactor: setting('TOPIC_REPLICATION_FACTOR', positiveInt(1, 32), 'Replication factor of topics the platform creates'),
  logLevel: setting('LOG_LEVEL', oneOf(logLevels, 'info'), 'Log level'),
};

export const topicSettings = {
  ordersTopic: setting('ORDERS_TOPIC', text('orders'), 'Topic carrying the order stream'),
};
