import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './index.ts';

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
