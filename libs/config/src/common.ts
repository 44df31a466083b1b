import { setting } from './settings.ts';
import { bool, brokerList, countOrOff, httpUrl, mongoUri, oneOf, optionalHttpUrl, optionalText, originList, positiveInt, ratio, text } from './types.ts';

export const logLevels = ['error', 'warn', 'info', 'debug'] as const;

/** The OpenTelemetry SDK's standard samplers, by the names OTEL_TRACES_SAMPLER takes. */
export const traceSamplers = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;

/** OpenTelemetry's standard variables, read like every other setting so a bad value stops start-up with its name. */
export const tracingSettings = {
  otelSdkDisabled: setting('OTEL_SDK_DISABLED', bool(false), 'Turns tracing off: no spans are made or exported'),
  otelExporterOtlpEndpoint: setting('OTEL_EXPORTER_OTLP_ENDPOINT', optionalHttpUrl(), 'OTLP/HTTP collector base URL; spans go to <url>/v1/traces as protobuf (unset: tracing is off, nothing is recorded or exported)'),
  otelServiceName: setting('OTEL_SERVICE_NAME', optionalText(), "Service name on this process's spans (default: the service's own name)"),
  otelTracesSampler: setting('OTEL_TRACES_SAMPLER', oneOf(traceSamplers, 'parentbased_always_on'), 'Which traces are recorded: the parentbased_* samplers follow the caller\'s decision'),
  otelTracesSamplerArg: setting('OTEL_TRACES_SAMPLER_ARG', ratio(1), 'Share of new traces the traceidratio samplers record, from 0 to 1'),
};

/** Where the settings that change at run time come from: read at start, watched, and reread on SIGHUP. */
export const settingsFileSettings = {
  configFile: setting(
    'TRIBUTARY_CONFIG_FILE',
    optionalText(),
    'A YAML or JSON file of settings by variable name, over the environment; watched, and reread on SIGHUP: the log level, breaker, gateway-timeout, rate-limit and consumer-retry settings in it take effect at once (docs/configuration.md)',
  ),
};

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
  mongoTimeoutMs: setting('MONGODB_TIMEOUT_MS', positiveInt(5_000, 600_000), 'How long a store call waits for a reachable server before it counts as a failure'),
  topicPartitions: setting('TOPIC_PARTITIONS', positiveInt(6, 10_000), 'Partitions of topics the platform creates'),
  topicReplicationFactor: setting('TOPIC_REPLICATION_FACTOR', positiveInt(1, 32), 'Replication factor of topics the platform creates'),
  logLevel: setting('LOG_LEVEL', oneOf(logLevels, 'info'), 'Log level', { reloadable: true }),
  ...settingsFileSettings,
  // How to reach a secured Kafka: TLS and SASL (PLAIN or SCRAM). Off by default, as on loopback.
  kafkaTls: setting('KAFKA_TLS', bool(false), 'Connect to Kafka over TLS'),
  kafkaTlsCaFile: setting('KAFKA_TLS_CA_FILE', optionalText(), 'PEM file of the CA that signed the brokers\' certificates (default: the system CAs)'),
  kafkaTlsRejectUnauthorized: setting('KAFKA_TLS_REJECT_UNAUTHORIZED', bool(true), 'Refuse brokers whose certificate does not verify (false only for test clusters)'),
  kafkaSaslMechanism: setting('KAFKA_SASL_MECHANISM', oneOf(['none', 'plain', 'scram-sha-256', 'scram-sha-512'], 'none'), 'SASL mechanism for Kafka'),
  kafkaSaslUsername: setting('KAFKA_SASL_USERNAME', optionalText(), 'SASL user name for Kafka'),
  kafkaSaslPassword: setting('KAFKA_SASL_PASSWORD', optionalText(), 'SASL password for Kafka', { secret: true }),
  ...tracingSettings,
};

/** Settings of services that answer HTTP. */
export const httpSettings = {
  host: setting('HTTP_HOST', text('127.0.0.1'), 'Interface HTTP servers listen on (0.0.0.0 in containers)'),
  bodyLimit: setting('HTTP_BODY_LIMIT', text('64kb'), 'Largest accepted request body'),
  corsOrigins: setting('CORS_ALLOWED_ORIGINS', originList(), 'Origins whose browser pages may call the API, comma-separated (none by default: CORS closed)'),
};

/** Settings of services that accept commands (requests that produce events). */
export const commandSettings = {
  commandRateLimit: setting('COMMAND_RATE_LIMIT', countOrOff(1_000, 10_000_000), 'Commands one client address may send per window (0 turns the limit off)', { reloadable: true }),
  commandRateWindowMs: setting('COMMAND_RATE_WINDOW_MS', positiveInt(10_000, 3_600_000), 'Length of the rate-limit window', { reloadable: true }),
};

export const topicSettings = {
  ordersTopic: setting('ORDERS_TOPIC', text('orders'), 'Topic carrying the order stream'),
  inventoryTopic: setting('INVENTORY_TOPIC', text('inventory'), 'Topic carrying the inventory stream'),
  paymentsTopic: setting('PAYMENTS_TOPIC', text('payments'), 'Topic carrying the payments stream'),
};

/** How every consumer of the platform batches, retries and watches itself. */
export const consumerSettings = {
  consumerConcurrency: setting('CONSUMER_CONCURRENCY', positiveInt(3, 64), 'Partitions a consumer handles at once'),
  consumerSessionTimeoutMs: setting('CONSUMER_SESSION_TIMEOUT_MS', positiveInt(30_000, 3_600_000), 'Time without heartbeats before the group gives a member\'s partitions to others'),
  consumerRetryAttempts: setting('CONSUMER_RETRY_ATTEMPTS', positiveInt(5, 100), 'Tries in place for a transient failure before the partition is paused', { reloadable: true }),
  consumerRetryInitialMs: setting('CONSUMER_RETRY_INITIAL_MS', positiveInt(200, 600_000), 'First retry delay (doubles per try, with jitter)', { reloadable: true }),
  consumerRetryMaxMs: setting('CONSUMER_RETRY_MAX_MS', positiveInt(5_000, 600_000), 'Longest retry delay', { reloadable: true }),
  consumerStallAfterMs: setting('CONSUMER_STALL_AFTER_MS', positiveInt(60_000, 86_400_000), 'A partition with lag and no progress for this long is reported as stalled'),
};
