import type { Server } from 'node:http';
import { PassThrough } from 'node:stream';
import type { AvroCodec } from '@tributary/avro';
import { TributaryError } from '@tributary/errors';
import { listen } from '@tributary/http';
import type { ConsumerRunner, ConsumerRunnerOptions, TopicSpec } from '@tributary/kafka';
import { createLogger } from '@tributary/logger';
import type { Store } from '@tributary/store';
import { noTracing } from '@tributary/tracing';
import type { Backbone } from './backbone.ts';
import { defineService } from './define-service.ts';

/** What the service builder's unit tests start: settings, a quiet logger, a backbone that records its steps. */
export const settings = {
  logLevel: 'error' as const,
  port: 0,
  host: '127.0.0.1',
  mongoUri: 'mongodb://127.0.0.1:1',
  mongoDatabase: 'builder',
  mongoTimeoutMs: 1_000,
  kafkaBrokers: ['127.0.0.1:1'],
  schemaRegistryUrl: 'http://127.0.0.1:1',
  topicPartitions: 2,
  topicReplicationFactor: 1,
  kafkaTls: false,
  kafkaSaslMechanism: 'none' as const,
  groupId: 'builder-group',
  instanceId: 'builder-1',
  consumerConcurrency: 3,
  consumerSessionTimeoutMs: 30_000,
  consumerRetryAttempts: 5,
  consumerRetryInitialMs: 200,
  consumerRetryMaxMs: 5_000,
  consumerStallAfterMs: 60_000,
};

export type Settings = typeof settings;

export const quietLogger = () => createLogger({ service: 'builder-test', level: 'error', stream: new PassThrough() });

/** A backbone that records every step; `failAt` makes that step throw, as a dependency that is down would. */
export const fakeBackbone = (failAt?: string) => {
  const steps: string[] = [];
  const seen: { topics?: readonly TopicSpec[]; runnerOptions?: ConsumerRunnerOptions<unknown>; producer?: 'transactional' | 'plain' } = {};
  const step = (name: string) => {
    steps.push(name);
    if (name === failAt) throw new TributaryError('KAFKA_UNAVAILABLE', `${name} failed`);
    return Promise.resolve();
  };
  const producer = {
    connect: () => step('producer.connect'),
    disconnect: () => step('producer.disconnect'),
    connected: true,
    publish: () => Promise.resolve([]),
    publishAndCommit: () => Promise.resolve(),
    transactionalId: 'builder-1',
  };
  const store: Store = { db: {} as Store['db'], ping: () => Promise.resolve(true), close: () => step('store.close') };
  const backbone: Backbone = {
    connectStore: async () => {
      await step('store.connect');
      return store;
    },
    kafka: () => ({}) as ReturnType<Backbone['kafka']>,
    codec: () => ({}) as AvroCodec,
    ensureTopics: async (_kafka, topics) => {
      seen.topics = topics;
      await step('topics.ensure');
    },
    transactionalProducer: () => {
      seen.producer = 'transactional';
      return producer;
    },
    producer: () => {
      seen.producer = 'plain';
      return producer;
    },
    consumer: (options) => {
      seen.runnerOptions = options;
      const runner: ConsumerRunner = {
        start: () => step('consumer.start'),
        stop: () => step('consumer.stop'),
        joined: true,
        assignment: () => [],
        readiness: () => ({ ready: true }),
      };
      return runner;
    },
    tracing: () => ({ ...noTracing, shutdown: () => step('tracing.shutdown') }),
    listen: async (app, port, host) => {
      await step('http.listen');
      const server: Server = await listen(app, port, host);
      server.on('close', () => steps.push('http.close'));
      return server;
    },
  };
  return { backbone, steps, seen, store };
};

/** A service that uses every piece: store, consumer, transactional producer, domain resources, a task. */
export const fullService = (backbone: Backbone, steps: string[], options: { failingTask?: boolean } = {}) =>
  defineService(
    {
      name: 'builder-test',
      uses: (_settings: Settings) => ({ store: true, consumes: ['in'], produces: ['out'] }),
      domain: () => {
        steps.push('domain');
        return {
          consumer: { handleBatch: () => Promise.resolve() },
          close: () => {
            steps.push('domain.close');
          },
          exposes: { answer: 42 },
        };
      },
      tasks: [
        () => {
          steps.push('task.start');
          if (options.failingTask) throw new TributaryError('INTERNAL', 'task failed to start');
          return { stop: () => Promise.resolve(steps.push('task.stop')).then(() => undefined) };
        },
      ],
    },
    backbone,
  )(settings, quietLogger());
