import { PassThrough } from 'node:stream';
import type { AvroCodec } from '@tributary/avro';
import { TributaryError } from '@tributary/errors';
import { createLogger } from '@tributary/logger';
import { createMetricsRegistry } from '@tributary/metrics';
import type { Batch, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { consumerMetrics } from '../consumer-metrics.ts';
import type { StageContext } from './stage.ts';

/** Test doubles for the runner's stages: a codec that reads JSON, kafkajs batches, a stage context with real metrics. */

export const quickRetry = { attempts: 3, initialDelayMs: 1, maxDelayMs: 5 };

export const testStage = (): StageContext & { registry: ReturnType<typeof createMetricsRegistry>; logged: () => string } => {
  const stream = new PassThrough();
  let output = '';
  stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const registry = createMetricsRegistry('runner-test');
  return { groupId: 'g', logger: createLogger({ service: 'runner-test', level: 'debug', stream }), metrics: consumerMetrics(registry), retry: quickRetry, registry, logged: () => output };
};

export const message = (offset: number, value: string, headers: Record<string, string> = {}): KafkaMessage => ({
  key: Buffer.from(`k-${offset}`),
  value: Buffer.from(value),
  offset: String(offset),
  timestamp: String(Date.now()),
  attributes: 0,
  headers,
});

/**
 * Decodes JSON values; `bad` is a record that is bad in itself, `registry-down` one that cannot be
 * read until `registryUp` is set.
 */
export const jsonCodec = (state: { registryUp: boolean } = { registryUp: true }): AvroCodec => ({
  catalog: {} as AvroCodec['catalog'],
  encode: () => Promise.resolve(Buffer.from('')),
  decode: <T>(value: Buffer | null | undefined) => {
    const text = value?.toString() ?? '';
    if (text === 'bad') return Promise.reject(new TributaryError('DECODE_FAILED', 'not Avro'));
    if (text === 'registry-down' && !state.registryUp) return Promise.reject(new TributaryError('REGISTRY_UNAVAILABLE', 'registry away'));
    return Promise.resolve({ eventType: 'Test', fullName: 'test.Test', schemaId: 1, payload: { text } as T });
  },
});

export interface FakePayload extends EachBatchPayload {
  readonly resolved: string[];
  readonly paused: number;
  stale: boolean;
}

export const batchPayload = (messages: KafkaMessage[], options: { topic?: string; partition?: number; highWatermark?: string; lastOffset?: string } = {}): FakePayload => {
  const resolved: string[] = [];
  let paused = 0;
  const batch = {
    topic: options.topic ?? 't',
    partition: options.partition ?? 0,
    highWatermark: options.highWatermark ?? String(messages.length),
    messages,
    firstOffset: () => messages[0]?.offset ?? null,
    lastOffset: () => options.lastOffset ?? messages[messages.length - 1]?.offset ?? '0',
  } as unknown as Batch;
  const payload = {
    batch,
    stale: false,
    resolved,
    get paused() {
      return paused;
    },
    isRunning: () => true,
    isStale: () => payload.stale,
    heartbeat: () => Promise.resolve(),
    resolveOffset: (offset: string) => resolved.push(offset),
    pause: () => {
      paused += 1;
      return () => undefined;
    },
  };
  return payload as unknown as FakePayload;
};
