import { describe, expect, it } from 'vitest';
import { TributaryError, classify, toTributaryError } from './index.ts';

describe('classify', () => {
  it('retries what is transient', () => {
    expect(classify(new TributaryError('STORE_UNAVAILABLE', 'down'))).toBe('retry');
    expect(classify(new TributaryError('TIMEOUT', 'slow'))).toBe('retry');
    const network = new Error('connection closed');
    network.name = 'MongoNetworkError';
    expect(classify(network)).toBe('retry');
    expect(classify(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe('retry');
  });

  it('dead-letters poison records and unknown failures', () => {
    for (const code of ['WIRE_FORMAT_INVALID', 'UNKNOWN_SCHEMA_ID', 'DECODE_FAILED', 'VALIDATION_FAILED'] as const) {
      expect(classify(new TributaryError(code, 'bad'))).toBe('deadLetter');
    }
    expect(classify(new TypeError('x is undefined'))).toBe('deadLetter');
  });

  it('skips records that are not for the handler', () => {
    expect(classify(new TributaryError('EVENT_NOT_APPLICABLE', 'not mine'))).toBe('skip');
  });
});

describe('wrapping driver errors', () => {
  it('names the dependency a driver error speaks of', () => {
    const kafka = Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { name: 'KafkaJSConnectionError' });
    const store = Object.assign(new Error('Server selection timed out'), { name: 'MongoServerSelectionError' });
    expect(toTributaryError(kafka)).toMatchObject({ code: 'KAFKA_UNAVAILABLE', message: 'Kafka: Connection error: connect ECONNREFUSED 127.0.0.1:9092' });
    expect(toTributaryError(store)).toMatchObject({ code: 'STORE_UNAVAILABLE', message: 'Store: Server selection timed out' });
    expect(toTributaryError(new Error('boom'))).toMatchObject({ code: 'INTERNAL', message: 'boom' });
  });
});
