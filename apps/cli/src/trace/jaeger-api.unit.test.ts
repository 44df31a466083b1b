import { describe, expect, it } from 'vitest';
import { jaegerClient } from './jaeger-api.ts';

const answering = (status: number, body: string, asked: string[] = []): typeof fetch => (url) => {
  asked.push(url instanceof Request ? url.url : url.toString());
  return Promise.resolve(new Response(body, { status }));
};

describe('jaegerClient', () => {
  it('searches by service and tags over a window, and reads the data field', async () => {
    const asked: string[] = [];
    const client = jaegerClient('http://jaeger:16686/', answering(200, '{"data":[{"traceID":"t1","spans":[],"processes":{}}],"errors":null}', asked));
    const traces = await client.searchTraces({ service: 'orders-api', tags: { 'order.id': 'ord-1' }, start: 1, end: 2, limit: 20 });
    expect(traces.map((trace) => trace.traceID)).toEqual(['t1']);
    const url = new URL(asked[0]!);
    expect(url.pathname).toBe('/api/traces');
    expect(Object.fromEntries(url.searchParams)).toEqual({ service: 'orders-api', tags: '{"order.id":"ord-1"}', start: '1', end: '2', limit: '20' });
  });

  it('reads a null data field as nothing', async () => {
    expect(await jaegerClient('http://jaeger:16686', answering(200, '{"data":null}')).services()).toEqual([]);
  });

  it('names the address and how to start Jaeger when nothing answers', async () => {
    const refused = (() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch;
    await expect(jaegerClient('http://127.0.0.1:1', refused).services()).rejects.toMatchObject({
      code: 'TRACING_UNAVAILABLE',
      message: expect.stringContaining('Jaeger does not answer at http://127.0.0.1:1; `tributary stack up` starts it') as unknown,
    });
  });

  it("passes on Jaeger's own words when it refuses a query", async () => {
    const client = jaegerClient('http://jaeger:16686', answering(400, '{"data":null,"errors":[{"code":400,"msg":"malformed tags"}]}'));
    await expect(client.searchTraces({ service: 's', tags: {}, start: 1, end: 2, limit: 1 })).rejects.toMatchObject({
      code: 'TRACING_UNAVAILABLE',
      message: expect.stringContaining('answered 400 to GET /api/traces: malformed tags') as unknown,
    });
  });
});
