import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTopics, eventTopic } from '@tributary/kafka';
import { beforeAll, describe, expect, it } from 'vitest';
import { testKafka, uniqueName, runTributary } from './support.ts';

const topic = uniqueName('cli-orders');

const tributary = runTributary;

const order = (orderId: string, extra: Record<string, unknown> = {}) => ({
  orderId,
  customerId: 'c-1',
  currency: 'EUR',
  items: [{ sku: 'SKU-1', quantity: 2, unitPrice: '4.75' }],
  placedAt: '2026-02-01T09:00:00.000Z',
  ...extra,
});

const writeLines = async (lines: string[]): Promise<string> => {
  const file = join(await mkdtemp(join(tmpdir(), 'tributary-produce-')), 'orders.jsonl');
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
};

beforeAll(async () => {
  await ensureTopics(testKafka(), [eventTopic(topic, 3, 1)]);
});

describe('tributary produce and tail', () => {
  it('produces a JSON-lines file and tails the same events back', async () => {
    const sent = [order('o-1'), order('o-2', { channel: 'STORE' }), order('o-3', { promoCode: 'WELCOME' })];
    const produced = await tributary('produce', topic, '--type', 'OrderPlaced', '--file', await writeLines(sent.map((o) => JSON.stringify(o))));
    expect(produced.code).toBe(0);
    expect(produced.out).toHaveLength(3);
    expect(produced.out[0]).toMatch(/^line 1: partition \d+ offset \d+ key o-1$/);

    const tailed = await tributary('tail', topic, '--from', 'earliest', '--limit', '3');
    expect(tailed.code).toBe(0);
    const records = tailed.out.map((line) => JSON.parse(line) as { key: string; eventType: string; headers: Record<string, string>; value: Record<string, unknown> });
    const byKey = Object.fromEntries(records.map((r) => [r.key, r]));
    for (const original of sent) {
      expect(byKey[original.orderId]?.eventType).toBe('OrderPlaced');
      expect(byKey[original.orderId]?.headers['producer']).toBe('tributary-cli');
      expect(byKey[original.orderId]?.value).toEqual({ channel: 'WEB', promoCode: null, ...original, items: [{ sku: 'SKU-1', quantity: 2, unitPrice: '4.75' }] });
    }
  });

  it('produces nothing from a file with one bad line, and names the line and field', async () => {
    const before = await testKafka().admin().fetchTopicOffsets(topic);
    const lines = [JSON.stringify(order('o-10')), JSON.stringify(order('o-11', { items: [{ sku: 'SKU-1', quantity: 'two', unitPrice: '1' }] })), JSON.stringify(order('o-12'))];
    const result = await tributary('produce', topic, '--type', 'OrderPlaced', '--file', await writeLines(lines));
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toContain('line 2: field `items[0].quantity`');
    expect(result.err.join('\n')).toContain('nothing was produced');
    expect(await testKafka().admin().fetchTopicOffsets(topic)).toEqual(before);
  });

  it('produces the valid lines with --skip-invalid and reports the rest', async () => {
    const lines = ['not json', JSON.stringify(order('o-20'))];
    const result = await tributary('produce', topic, '--type', 'OrderPlaced', '--skip-invalid', '--file', await writeLines(lines));
    expect(result.code).toBe(0);
    expect(result.out).toEqual([expect.stringMatching(/^line 2: partition \d+ offset \d+ key o-20$/)]);
    expect(result.err[0]).toContain('line 1: not valid JSON');
  });
});
