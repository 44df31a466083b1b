import { Agent, request } from 'node:http';

/**
 * A closed-loop HTTP load generator on Node's own client: `concurrency` requests in flight on
 * kept-alive connections, each started as the previous one answers. Cheap enough per request that
 * the generator stays a small share of the machine (the benchmarks report that share).
 */
export interface HttpCall {
  method: 'GET' | 'POST';
  url: URL;
  body?: string;
}

export const createHttpLoad = (concurrency: number) => {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

  const send = ({ method, url, body }: HttpCall): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = request(
        { agent, method, host: url.hostname, port: url.port, path: url.pathname + url.search, headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  /** Makes `count` calls, `concurrency` at a time; any answer but `expected` fails the run. */
  const run = async (count: number, call: (index: number) => HttpCall, expected: number): Promise<void> => {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const index = next;
        next += 1;
        const target = call(index);
        const res = await send(target);
        if (res.status !== expected) throw new Error(`${target.method} ${target.url.pathname} answered ${res.status}, expected ${expected}: ${res.body.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  };

  return { send, run, close: () => agent.destroy() };
};
