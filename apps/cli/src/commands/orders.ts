import { httpUrl, loadSettings, setting } from '@tributary/config';
import type { Command, Invocation, LeafCommand } from '../command.ts';
import { durationFormat, parseDuration } from '../durations.ts';
import { formatOpenOrders, openOrderRow, openOrdersSummary } from '../orders/open-orders.ts';
import { defaultQueryApiUrl, fetchOpenOrders } from '../orders/query-api.ts';
import { usageError } from '../usage-error.ts';

const queryApiSettings = { queryApiUrl: setting('QUERY_API_URL', httpUrl(defaultQueryApiUrl), 'Base URL of query-api') };
const defaultLimit = 100;
const maxLimit = 10_000;

const environmentHelp = ['Environment:', `  QUERY_API_URL          query-api, as --query-url (default ${defaultQueryApiUrl})`].join('\n');

/** --query-url, else QUERY_API_URL, else query-api's local address. */
const queryApiUrl = ({ values, io }: Invocation): string => {
  const given = values['query-url'];
  if (typeof given !== 'string') return loadSettings(queryApiSettings, io.env).queryApiUrl;
  if (!/^https?:\/\//.test(given) || !URL.canParse(given)) throw usageError(`--query-url ${JSON.stringify(given)} is not an http(s) URL, such as ${defaultQueryApiUrl}`);
  return given;
};

const olderThanOf = (values: Invocation['values']): { text: string; ms: number } | undefined => {
  const text = values['older-than'];
  if (typeof text !== 'string') return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw usageError(`--older-than ${JSON.stringify(text)} is not a duration: give ${durationFormat}`);
  return { text, ms };
};

const limitOf = (values: Invocation['values']): number => {
  const text = values['limit'];
  if (typeof text !== 'string') return defaultLimit;
  const limit = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(limit >= 1 && limit <= maxLimit)) throw usageError(`--limit ${JSON.stringify(text)} is invalid: give a whole number from 1 to ${maxLimit}`);
  return limit;
};

const open: LeafCommand = {
  name: 'open',
  summary: 'list orders without an outcome yet: where each stopped, and for how long',
  usage: 'tributary orders open [--older-than <duration>] [--limit <n>] [--json] [--exit-code] [--query-url <url>]',
  options: { 'older-than': { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, 'exit-code': { type: 'boolean' }, 'query-url': { type: 'string' } },
  optionHelp: {
    'older-than': `only orders placed longer ago than this: ${durationFormat}`,
    limit: `list at most this many, the newest first (default ${defaultLimit}, at most ${maxLimit})`,
    json: 'print the orders as one JSON array',
    'exit-code': 'exit 1 when any order is listed (for cron jobs and probes); without it, 0',
    'query-url': `query-api's base URL (default QUERY_API_URL or ${defaultQueryApiUrl})`,
  },
  details: [
    'Asks query-api for orders whose status is not final (not CONFIRMED, REJECTED or CANCELLED),',
    'newest first: order id, status, age since placement, customer, the last step of its timeline',
    'and how long ago it happened, and the reason of a failed or declined step. The saga rejects an',
    'order still open ORDER_DEADLINE_MS after placement (DEADLINE_EXCEEDED); one listed well past',
    'that means orders-service is not deciding it, or the projector is behind (tributary lag). With',
    '--older-than, orders whose OrderPlaced is not projected yet are left out: they have no placement',
    'time. A count goes to stderr.',
    'Exit code 0, or 1 with --exit-code when any order is listed; 1 on a failure, 2 on a usage mistake.',
    '',
    environmentHelp,
  ].join('\n'),
  run: async (invocation) => {
    const { values, io } = invocation;
    const olderThan = olderThanOf(values);
    const max = limitOf(values);
    const baseUrl = queryApiUrl(invocation);
    const now = new Date();
    const placedBefore = olderThan === undefined ? undefined : new Date(now.getTime() - olderThan.ms);
    const { orders, more } = await fetchOpenOrders(baseUrl, { placedBefore, max });
    const rows = orders.map((view) => openOrderRow(view, now));
    if (values['json'] === true) io.out(JSON.stringify(rows, null, 2));
    else if (rows.length > 0) io.out(formatOpenOrders(rows, now).join('\n'));
    io.err(openOrdersSummary(rows, { olderThan: olderThan?.text, more }));
    return values['exit-code'] === true && rows.length > 0 ? 1 : 0;
  },
};

export const ordersCommand: Command = {
  name: 'orders',
  summary: 'look into orders as query-api serves them',
  subcommands: [open],
};
