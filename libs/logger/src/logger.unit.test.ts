import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, traceFields } from './index.ts';

const capture = () => {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  return { stream, lines };
};

describe('createLogger', () => {
  it('writes JSON lines with timestamp, level, service, message and correlation id', async () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'orders-api', stream });
    logger.child({ correlationId: 'c-1' }).info('order accepted', { orderId: 'o-1' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]).toMatchObject({
      level: 'info',
      service: 'orders-api',
      message: 'order accepted',
      correlationId: 'c-1',
      orderId: 'o-1',
    });
    expect(typeof lines[0]?.['timestamp']).toBe('string');
  });

  it('drops lines below the configured level', async () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 's', level: 'warn', stream });
    logger.info('hidden');
    logger.warn('shown');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => line['message'])).toEqual(['shown']);
  });
});

describe('secrets in log lines', () => {
  it('masks passwords in connection strings and values under secret-looking keys, wherever they appear', async () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 's', stream });
    logger.error('cannot reach mongodb://admin:hunter2@db.internal:27017/tributary', {
      config: { KAFKA_SASL_PASSWORD: 'sasl-secret', saslPassword: 'sasl-secret', username: 'svc', brokers: ['b:9092'] },
      headers: { authorization: 'Bearer abc.def', 'x-api-key': 'k-123' },
      error: { message: 'connect failed for amqp://user:p%40ss@host/' },
      token: 'tok-1',
    });
    await new Promise((resolve) => setImmediate(resolve));
    const line = JSON.stringify(lines[0]);
    for (const secret of ['hunter2', 'sasl-secret', 'Bearer abc.def', 'k-123', 'p%40ss', 'tok-1']) expect(line).not.toContain(secret);
    expect(lines[0]?.['message']).toBe('cannot reach mongodb://admin:[redacted]@db.internal:27017/tributary');
    expect(lines[0]).toMatchObject({ config: { username: 'svc', brokers: ['b:9092'] } });
  });

  it('masks secrets in errors logged as objects', async () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 's', stream });
    logger.error(new Error('auth failed for mongodb://u:pw-secret@h/'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(JSON.stringify(lines[0])).not.toContain('pw-secret');
  });

  it('joins a line to the span it names itself, and names none for a span without valid ids', async () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'orders-api', stream });
    const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    logger.info('order accepted', { orderId: 'o-1', ...traceFields(spanContext) });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]).toMatchObject({ trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' });
    expect(traceFields({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 })).toEqual({});
    expect(traceFields(undefined)).toEqual({});
  });
});
