import { parseSchema, type SchemaEntry } from '@tributary/avro';
import type avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { parseCompatibilityConfig, parseConsumers } from './contract-files.ts';
import { runGate } from './gate.ts';

const placed = (fields: Record<string, unknown>[]) => ({ type: 'record', name: 'OrderPlaced', namespace: 'io.tributary.orders', fields: [{ name: 'orderId', type: 'string' }, ...fields] });
const entry = (version: number, schema: object): SchemaEntry => ({
  stream: 'orders',
  eventType: 'OrderPlaced',
  version,
  fullName: 'io.tributary.orders.OrderPlaced',
  text: JSON.stringify(schema),
  type: parseSchema(schema as avsc.Schema),
});

const currency = { name: 'currency', type: 'string' };
const v1 = entry(1, placed([currency]));
const v2 = entry(2, placed([currency, { name: 'promoCode', type: ['null', 'string'], default: null }]));
const v3WithoutCurrency = entry(3, placed([{ name: 'promoCode', type: ['null', 'string'], default: null }]));
const v3WithRequiredField = entry(3, placed([currency, { name: 'channel', type: 'string' }]));

const gate = (entries: SchemaEntry[], level: string, consumers: unknown = undefined) =>
  runGate({
    entries,
    compatibility: parseCompatibilityConfig({ default: level }, 'compatibility.json'),
    consumers: parseConsumers(consumers, 'consumers.json'),
  });

describe('the compatibility gate over a subject', () => {
  it('passes compatible versions and names the subject by topic and record', () => {
    const result = gate([v1, v2], 'FULL_TRANSITIVE');
    expect(result.problems).toEqual([]);
    expect(result.subjects.map((s) => [s.subject, s.level, s.versions])).toEqual([['orders-io.tributary.orders.OrderPlaced', 'FULL_TRANSITIVE', [1, 2]]]);
  });

  it('refuses a removed field without default under FORWARD and FULL, naming both versions', () => {
    for (const level of ['FORWARD', 'FULL']) {
      expect(gate([v1, v2, v3WithoutCurrency], level).problems.map((p) => p.message)).toEqual(['OrderPlaced v3 removes field `currency` which has no default: consumers on v2 cannot read v3']);
    }
  });

  it('lets a removed field through under BACKWARD, where only new readers matter', () => {
    expect(gate([v1, v2, v3WithoutCurrency], 'BACKWARD').problems).toEqual([]);
  });

  it('refuses an added field without default under BACKWARD_TRANSITIVE, for every earlier version', () => {
    expect(gate([v1, v2, v3WithRequiredField], 'BACKWARD_TRANSITIVE').problems.map((p) => p.message)).toEqual([
      'OrderPlaced v3 adds field `channel` without a default: v3 consumers cannot read v1 records',
      'OrderPlaced v3 adds field `channel` without a default: v3 consumers cannot read v2 records',
    ]);
  });

  it('checks nothing under NONE', () => {
    expect(gate([v1, v3WithRequiredField], 'NONE').problems).toEqual([]);
  });

  it('takes the per-event-type level over the default', () => {
    const result = runGate({
      entries: [v1, v2, v3WithoutCurrency],
      compatibility: parseCompatibilityConfig({ default: 'BACKWARD', eventTypes: { OrderPlaced: 'FORWARD_TRANSITIVE' } }, 'compatibility.json'),
      consumers: [],
    });
    expect(result.problems.map((p) => [p.readerVersion, p.writerVersion])).toEqual([[1, 3], [2, 3]]);
  });

  it('puts a topic prefix in the subject', () => {
    const result = runGate({ entries: [v1], compatibility: parseCompatibilityConfig(undefined, 'x'), consumers: [], topicFor: (stream) => `staging-${stream}` });
    expect(result.subjects[0]?.subject).toBe('staging-orders-io.tributary.orders.OrderPlaced');
  });
});

describe('the compatibility gate over consumers', () => {
  const reads = (version: number | 'latest') => ({ consumers: [{ name: 'order-projector', stream: 'orders', reads: { OrderPlaced: version } }] });

  it('checks a consumer on the newest version against every writer version', () => {
    const result = gate([v1, v2, v3WithRequiredField], 'NONE', reads('latest'));
    expect(result.consumers.map((c) => [c.consumer, c.readerVersion, c.writerVersions])).toEqual([['order-projector', 3, [1, 2, 3]]]);
    expect(result.problems.map((p) => p.message)).toEqual([
      'consumer order-projector (reads OrderPlaced v3): OrderPlaced v3 adds field `channel` without a default: v3 consumers cannot read v1 records',
      'consumer order-projector (reads OrderPlaced v3): OrderPlaced v3 adds field `channel` without a default: v3 consumers cannot read v2 records',
    ]);
  });

  it('checks a consumer pinned to an old version against newer writers', () => {
    const result = gate([v1, v2, v3WithoutCurrency], 'NONE', reads(2));
    expect(result.problems.map((p) => p.message)).toEqual([
      'consumer order-projector (reads OrderPlaced v2): OrderPlaced v3 removes field `currency` which has no default: consumers on v2 cannot read v3',
    ]);
  });

  it('reports a consumer reading a version that does not exist', () => {
    expect(gate([v1], 'NONE', reads(4)).problems.map((p) => p.message)).toEqual([
      'consumer order-projector reads OrderPlaced v4 from orders, which does not exist (versions on disk: v1); fix consumers.json',
    ]);
  });
});

describe('the contract files', () => {
  it('default to BACKWARD_TRANSITIVE and no consumers when absent', () => {
    expect(parseCompatibilityConfig(undefined, 'x')).toEqual({ default: 'BACKWARD_TRANSITIVE', eventTypes: {} });
    expect(parseConsumers(undefined, 'x')).toEqual([]);
  });

  it('name the file and the bad value', () => {
    expect(() => parseCompatibilityConfig({ eventTypes: { OrderPlaced: 'SOMETIMES' } }, 'compatibility.json')).toThrow(/compatibility.json: the level of OrderPlaced is "SOMETIMES"; use BACKWARD/);
    expect(() => parseConsumers({ consumers: [{ name: 'p', stream: 'orders', reads: { OrderPlaced: 'newest' } }] }, 'consumers.json')).toThrow(/consumers.json: consumer p reads OrderPlaced at "newest"/);
  });
});
