import { TributaryError } from '@tributary/errors';
import type { LeafCommand } from '../command.ts';
import { findOrderTraces } from '../trace/find.ts';
import { jaegerClient } from '../trace/jaeger-api.ts';
import { parseLookback } from '../trace/lookback.ts';
import { buildTraceTrees, formatTraceTree } from '../trace/tree.ts';
import { usageError } from '../usage-error.ts';

const defaultJaegerUrl = 'http://127.0.0.1:16686';
const defaultLookback = '24h';

export const traceCommand: LeafCommand = {
  name: 'trace',
  summary: "an order's trace from Jaeger, as a tree of spans with service, name and duration",
  usage: 'tributary trace <orderId> [--jaeger-url <url>] [--lookback <span>] [--json]',
  positionals: true,
  options: { 'jaeger-url': { type: 'string' }, lookback: { type: 'string' }, json: { type: 'boolean' } },
  optionHelp: {
    'jaeger-url': `Jaeger's UI and query address (default TRIBUTARY_JAEGER_URL, else ${defaultJaegerUrl}, where \`tributary stack up\` runs it)`,
    lookback: `how far back to search: 30m, 6h, 2d (default ${defaultLookback})`,
    json: 'print the traces as JSON: each span with its service, name, start, duration, attributes and children',
  },
  details:
    'Finds the spans tagged order.id=<orderId> that orders-api exported; if there are none, those of the other services, then the producer and consumer spans whose Kafka record key is the order id. Each trace prints as one tree: the offset of each span from the trace start, its duration, and the span indented under its parent, ordered by start time.',
  run: async ({ values, positionals, io }) => {
    const [orderId, ...extra] = positionals;
    if (!orderId || extra.length > 0) throw usageError('give exactly one order id: tributary trace <orderId>');
    const jaegerUrl = (typeof values['jaeger-url'] === 'string' ? values['jaeger-url'] : io.env['TRIBUTARY_JAEGER_URL']?.trim()) || defaultJaegerUrl;
    if (!/^https?:\/\/[^/]/.test(jaegerUrl)) throw usageError(`--jaeger-url ${jaegerUrl} is not an http:// or https:// address`);
    const lookback = typeof values['lookback'] === 'string' ? values['lookback'] : defaultLookback;
    const lookbackMs = parseLookback(lookback);

    const { traces, searched } = await findOrderTraces(jaegerClient(jaegerUrl), { orderId, lookbackMs });
    const trees = buildTraceTrees(traces);
    if (trees.length === 0) {
      const where = searched.length > 0 ? `searched the spans of ${searched.join(', ')}` : 'Jaeger has no spans of any service yet';
      throw new TributaryError(
        'NOT_FOUND',
        `No trace of order ${orderId} in the last ${lookback} at ${jaegerUrl} (${where}). Spans reach Jaeger a few seconds after the work is done: give it a moment and retry. The order may also not have been sampled (OTEL_TRACES_SAMPLER), or its services ran without OTEL_EXPORTER_OTLP_ENDPOINT`,
        { details: { orderId, jaegerUrl, searched } },
      );
    }
    if (values['json'] === true) {
      io.out(JSON.stringify(trees, null, 2));
      return 0;
    }
    io.out(trees.map((tree) => formatTraceTree(tree, jaegerUrl).join('\n')).join('\n\n'));
    return 0;
  },
};
