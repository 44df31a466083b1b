import { usageError } from '../usage-error.ts';
import { partitionKey, type Offsets } from './offsets.ts';

/** Where a replay starts: the first retained events, a moment, or explicit offsets. */
export type StartSpec =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'time'; readonly at: Date }
  | { readonly kind: 'offsets'; readonly offsets: Offsets };

const isoPattern = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

export const parseTime = (text: string, option: string): Date => {
  const at = isoPattern.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw usageError(`--${option} ${JSON.stringify(text)} is not an ISO timestamp (like 2026-11-22T04:00:00Z)`);
  return at;
};

/** `earliest`, an ISO timestamp, or `topic:partition:offset,...` (partitions not listed start at their first event). */
export const parseStart = (text: string | undefined, topics: readonly string[]): StartSpec => {
  if (text === undefined || text === 'earliest') return { kind: 'earliest' };
  if (/^\d{4}-/.test(text)) return { kind: 'time', at: parseTime(text, 'from') };
  const offsets: Offsets = new Map();
  for (const part of text.split(',')) {
    const match = /^([A-Za-z0-9._-]+):(\d{1,6}):(\d{1,19})$/.exec(part.trim());
    if (!match) throw usageError(`--from ${JSON.stringify(part)} is not earliest, an ISO timestamp, or topic:partition:offset`);
    const [, topic = '', partition = '0', offset = '0'] = match;
    if (!topics.includes(topic)) throw usageError(`--from names topic ${topic}, which the projection does not read (it reads ${topics.join(', ')})`);
    offsets.set(partitionKey(topic, Number(partition)), BigInt(offset));
  }
  return { kind: 'offsets', offsets };
};

export const describeStart = (spec: StartSpec): string => {
  if (spec.kind === 'earliest') return 'earliest';
  if (spec.kind === 'time') return spec.at.toISOString();
  return [...spec.offsets].map(([key, offset]) => `${key}:${offset}`).join(',');
};
