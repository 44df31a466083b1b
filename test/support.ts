import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafkaClient } from '@tributary/kafka';
import { runCli } from '@tributary/cli';
import { commands } from '@tributary/cli/commands';
import { freeServicePorts } from '@tributary/cli/order-flow';
import { createLogger } from '@tributary/logger';
import type { KafkaMessage } from 'kafkajs';
import { inject } from 'vitest';

/** A name no other test file uses: topics, groups and databases are never shared between files. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

/** Environment for a service under test: the test backbone plus this file's own names. */
export const serviceEnvironment = (names: { ordersTopic: string; database: string; groupId?: string }, extra: Record<string, string> = {}) => {
  const backbone = inject('backbone');
  return {
    KAFKA_BROKERS: backbone.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: backbone.registryUrl,
    MONGODB_URI: backbone.mongoUri,
    ...(backbone.topicReplicationFactor ? { TOPIC_REPLICATION_FACTOR: String(backbone.topicReplicationFactor) } : {}),
    MONGODB_DATABASE: names.database,
    ORDERS_TOPIC: names.ordersTopic,
    INVENTORY_TOPIC: `${names.ordersTopic}-inventory`,
    PAYMENTS_TOPIC: `${names.ordersTopic}-payments`,
    // Consumer groups are per file too: a group shared by files reading different topics would rebalance endlessly.
    ORDER_PROJECTOR_GROUP: names.groupId ?? `${names.ordersTopic}-order-projector`,
    INVENTORY_SERVICE_GROUP: `${names.ordersTopic}-inventory-service`,
    PAYMENTS_SERVICE_GROUP: `${names.ordersTopic}-payments-service`,
    ORDERS_SERVICE_GROUP: `${names.ordersTopic}-orders-service`,
    LOG_LEVEL: 'warn',
    // The OS picks free ports, so test files running side by side never collide.
    ...freeServicePorts,
    ...extra,
  };
};

export const testLogger = (service: string) => createLogger({ service, level: 'warn' });

export const testKafka = () => createKafkaClient({ brokers: inject('backbone').kafkaBrokers, clientId: uniqueName('test'), logger: testLogger('test') });

/** Polls until the check returns a value, or fails with the last reason after the timeout. */
export const eventually = async <T>(check: () => Promise<T | undefined>, { timeoutMs = 15_000, intervalMs = 100 } = {}): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(`condition not met within ${timeoutMs} ms${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
};

/** The first `count` records of a topic, read with a throwaway group. */
export const readTopic = async (topic: string, count: number): Promise<KafkaMessage[]> => {
  const consumer = testKafka().consumer({ groupId: uniqueName('read') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const records: KafkaMessage[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: ({ message }) => {
        records.push(message);
        if (records.length >= count) resolve();
        return Promise.resolve();
      },
    });
  });
  await consumer.disconnect();
  return records;
};

/** Runs the tributary CLI in this process against the test backbone, capturing what it prints. */
export const runTributary = async (...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> => {
  const out: string[] = [];
  const err: string[] = [];
  const backbone = inject('backbone');
  const code = await runCli({ name: 'tributary', summary: 'test', subcommands: commands }, args, {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env: { KAFKA_BROKERS: backbone.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: backbone.registryUrl },
  });
  return { code, out, err };
};
