// Creates the platform's event topics before the services start (the Helm pre-install and
// pre-upgrade hook, the compose setup job). Idempotent: existing topics are left as they are,
// and a topic whose partition count differs from the wanted one is reported, never changed
// (adding partitions moves keys to other partitions and breaks per-order ordering).
//
// Run inside a service image, where kafkajs and the workspace libraries are installed:
//   node --import tsx /app/infra/scripts/ensure-topics.mjs
//
// Environment:
//   KAFKA_BROKERS              host:port[,host:port...]                   (required)
//   TOPICS                     name[:partitions][,name[:partitions]...]   (required)
//   TOPIC_PARTITIONS           default partitions (6), TOPIC_REPLICATION_FACTOR (1)
//   KAFKA_SASL_MECHANISM       plain | scram-sha-256 | scram-sha-512 (unset: no SASL)
//   KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD
//   KAFKA_TLS                  true to connect with TLS; KAFKA_TLS_CA_FILE a CA bundle;
//                              KAFKA_TLS_REJECT_UNAUTHORIZED=false to skip verification (tests only)
//   ENSURE_TOPICS_TIMEOUT_SECONDS  how long to wait for the brokers (120)
import { readFileSync } from 'node:fs';
import { eventTopicConfig } from '@tributary/kafka';
import { Kafka, logLevel } from 'kafkajs';

const env = process.env;
const log = (level, message, fields = {}) =>
  console.log(JSON.stringify({ level, message, service: 'ensure-topics', timestamp: new Date().toISOString(), ...fields }));
const fail = (message) => {
  log('error', message);
  process.exit(1);
};

const positive = (name, fallback) => {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) fail(`${name} must be a whole number of at least 1 (got "${raw}")`);
  return value;
};

const brokers = (env.KAFKA_BROKERS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
if (brokers.length === 0) fail('KAFKA_BROKERS is not set');
const defaultPartitions = positive('TOPIC_PARTITIONS', 6);
const replicationFactor = positive('TOPIC_REPLICATION_FACTOR', 1);
const topics = (env.TOPICS ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
  const [name = '', partitions] = entry.split(':');
  const count = partitions === undefined ? defaultPartitions : Number(partitions);
  if (!name || !Number.isInteger(count) || count < 1) fail(`TOPICS: "${entry}" is not name[:partitions]`);
  return { name, partitions: count };
});
if (topics.length === 0) fail('TOPICS is not set');

const mechanism = env.KAFKA_SASL_MECHANISM?.trim().toLowerCase();
if (mechanism && !['plain', 'scram-sha-256', 'scram-sha-512'].includes(mechanism)) {
  fail(`KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512 (got "${mechanism}")`);
}
const sasl = mechanism ? { mechanism, username: env.KAFKA_SASL_USERNAME ?? '', password: env.KAFKA_SASL_PASSWORD ?? '' } : undefined;
const tlsOn = env.KAFKA_TLS === 'true' || env.KAFKA_TLS === '1';
const ssl = tlsOn
  ? {
      rejectUnauthorized: env.KAFKA_TLS_REJECT_UNAUTHORIZED !== 'false',
      ...(env.KAFKA_TLS_CA_FILE ? { ca: [readFileSync(env.KAFKA_TLS_CA_FILE, 'utf8')] } : {}),
    }
  : undefined;

const kafka = new Kafka({
  clientId: 'tributary-ensure-topics',
  brokers,
  ssl,
  sasl,
  connectionTimeout: 5_000,
  logLevel: logLevel.NOTHING,
  retry: { retries: 2 },
});
const admin = kafka.admin();
const deadline = Date.now() + positive('ENSURE_TOPICS_TIMEOUT_SECONDS', 120) * 1_000;

for (let attempt = 1; ; attempt += 1) {
  try {
    await admin.connect();
    break;
  } catch (error) {
    if (Date.now() > deadline) fail(`cannot reach Kafka at ${brokers.join(',')}: ${error.message}`);
    log('info', 'waiting for Kafka', { attempt, reason: error.message });
    await new Promise((resolve) => setTimeout(resolve, Math.min(1_000 * attempt, 5_000)));
  }
}

try {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic: topic.name,
        numPartitions: topic.partitions,
        replicationFactor,
        configEntries: Object.entries(eventTopicConfig).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  const present = topics.filter((topic) => existing.has(topic.name));
  if (present.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((topic) => topic.name) });
    for (const { name, partitions } of metadata.topics) {
      const wanted = topics.find((topic) => topic.name === name)?.partitions;
      if (wanted !== undefined && partitions.length !== wanted) {
        log('warn', 'topic exists with a different partition count; left unchanged', { topic: name, partitions: partitions.length, wanted });
      }
    }
  }
  log('info', 'topics ready', { created: missing.map((t) => t.name), existing: present.map((t) => t.name), replicationFactor });
} catch (error) {
  fail(`creating topics failed: ${error.message}`);
} finally {
  await admin.disconnect();
}
