import { afterAll, describe, expect, it } from 'vitest';
import { flowApps, startFlow, type Flow } from './faults/flow.ts';

/*
 * A healthy start says nothing alarming. Every service starts as its own process before its topics
 * exist (each is created by the service that needs it, a moment before it subscribes), so the
 * coordinators and partition leaders are still settling; kafkajs retries that by itself, and the
 * services log it at debug. The partitioner warning kafkajs prints for a producer without an
 * explicit partitioner is let through (the tests' own environment silences it otherwise).
 */
let flow: Flow | undefined;

afterAll(async () => {
  await flow?.stop();
});

const errorLines = (output: string): string[] =>
  output.split('\n').filter((line) => {
    if (!line.trim().startsWith('{')) return /error|warn/i.test(line);
    const level = (JSON.parse(line) as { level?: string }).level;
    return level === 'error';
  });

describe('a quiet healthy start', () => {
  it('prints no error-level line and no partitioner warning from any service started before its topics exist', async () => {
    flow = await startFlow('quiet', { env: { KAFKAJS_NO_PARTITIONER_WARNING: '' } });
    const started = flow;
    // The first order through the whole flow: joins, transactions and first registrations included.
    const res = await fetch(`${started.url('orders-api')}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'c-quiet', currency: 'EUR', items: [{ sku: 'SKU-Q', quantity: 1, unitPrice: '1' }] }),
    });
    expect(res.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const found = flowApps.flatMap((app) => [...errorLines(started.output(app)), ...started.output(app).split('\n').filter((line) => /partitioner/i.test(line))].map((line) => `${app}: ${line}`));
    console.log(`error-level lines and partitioner warnings from ${flowApps.length} services: ${found.length}`);
    expect(found).toEqual([]);
  }, 180_000);
});
