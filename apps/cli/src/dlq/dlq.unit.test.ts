import { deadLetterMessage, type Provenance } from '@tributary/kafka';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { describeFilter, matchesFilter, parseFilter } from './filter.ts';
import { foldLedger, ledgerMessage } from './ledger.ts';
import { formatListTable, toListRow } from './list-rows.ts';
import { retryTargetOf, toParked, type ParkedRecord } from './parked.ts';
import { countByCode, countByGroup, planRedrive } from './plan.ts';

const provenance = (overrides: Partial<Provenance> = {}): Provenance => ({
  originalTopic: 'orders',
  originalPartition: 2,
  originalOffset: '41',
  consumerGroup: 'order-projector',
  errorCode: 'DECODE_FAILED',
  errorMessage: 'bad bytes',
  attempts: 1,
  firstFailureAt: '2026-02-01T09:00:00.000Z',
  deadLetteredAt: '2026-02-01T09:00:01.000Z',
  ...overrides,
});

/** A record as kafkajs hands it over from `<topic>.dlq`. */
const parkedAt = (dlqOffset: string, key: string | null, overrides: Partial<Provenance> | null = {}): ParkedRecord => {
  const original = { key: key === null ? null : Buffer.from(key), value: Buffer.from('v'), headers: { 'event-id': 'e-1' }, offset: '0', timestamp: '0', attributes: 0 } satisfies KafkaMessage;
  const message = overrides === null ? original : deadLetterMessage(original, provenance(overrides));
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, Buffer.from(String(value))]));
  return toParked(0, { ...original, headers, offset: dlqOffset });
};

describe('--filter', () => {
  it('matches records on every field given, either value of a repeated field', () => {
    const filter = parseFilter('code=DECODE_FAILED, code=UNKNOWN_SCHEMA_ID,partition=2');
    expect(filter).toEqual({ code: ['DECODE_FAILED', 'UNKNOWN_SCHEMA_ID'], partition: ['2'] });
    expect(matchesFilter(filter, parkedAt('0', 'o-1'))).toBe(true);
    expect(matchesFilter(filter, parkedAt('1', 'o-1', { errorCode: 'UNKNOWN_SCHEMA_ID' }))).toBe(true);
    expect(matchesFilter(filter, parkedAt('2', 'o-1', { errorCode: 'TIMEOUT' }))).toBe(false);
    expect(matchesFilter(filter, parkedAt('3', 'o-1', { originalPartition: 3 }))).toBe(false);
  });

  it('compares partitions and offsets as numbers and keys and groups as text', () => {
    const filter = parseFilter('offset=0041,key=o-1,group=order-projector');
    expect(matchesFilter(filter, parkedAt('0', 'o-1'))).toBe(true);
    expect(matchesFilter(filter, parkedAt('0', 'o-2'))).toBe(false);
    expect(matchesFilter(filter, parkedAt('0', null))).toBe(false);
  });

  it('matches everything when absent, and names what it matches', () => {
    expect(matchesFilter(parseFilter(undefined), parkedAt('0', null, null))).toBe(true);
    expect(describeFilter(parseFilter(undefined))).toBe('every parked record');
    expect(describeFilter(parseFilter('key=a,code=X'))).toBe('code=X,key=a');
  });

  it.each(['colour=red', 'code', 'code=', 'partition=two', 'offset=-1'])('refuses "%s" as a usage error', (text) => {
    expect(() => parseFilter(text)).toThrow(expect.objectContaining({ code: 'USAGE' }) as Error);
  });
});

describe('the redrive ledger', () => {
  it('keeps the newest entry per parked record, and forgets one on a tombstone', () => {
    const record = parkedAt('7', 'o-1');
    const entry = ledgerMessage(record, 'orders.dlq', { topic: 'orders', partition: 2, offset: '99' }, new Date('2026-02-02T00:00:00Z'));
    expect(entry.key).toBe('0:7');
    const value = Buffer.from(String(entry.value));
    const ledger = foldLedger([{ key: Buffer.from('0:7'), value }, { key: Buffer.from('0:8'), value }, { key: Buffer.from('0:8'), value: null }]);
    expect([...ledger.keys()]).toEqual(['0:7']);
    expect(ledger.get('0:7')).toEqual({ from: 'orders.dlq:0:7', to: { topic: 'orders', partition: 2, offset: '99' }, redrivenAt: '2026-02-02T00:00:00.000Z' });
  });

  it('counts an entry it cannot read as redriven, so the record is never sent twice', () => {
    const ledger = foldLedger([{ key: Buffer.from('0:1'), value: Buffer.from('not json') }]);
    expect(ledger.has('0:1')).toBe(true);
  });
});

describe('planning a redrive', () => {
  it('sends matching records not in the ledger, in their original order, and says what it skips', () => {
    const records = [
      parkedAt('0', 'o-1', { originalOffset: '50' }),
      parkedAt('1', 'o-2', { originalOffset: '9' }),
      parkedAt('2', 'o-3', { errorCode: 'TIMEOUT' }),
      parkedAt('3', 'o-4'),
      parkedAt('4', 'o-5', null),
    ];
    const ledger = foldLedger([{ key: Buffer.from('0:3'), value: Buffer.from('{}') }]);
    const plan = planRedrive(records, ledger, parseFilter('code=DECODE_FAILED'));
    expect(plan.send.map((r) => r.key)).toEqual(['o-2', 'o-1']);
    expect(plan.alreadyRedriven.map((r) => r.key)).toEqual(['o-4']);
    expect(plan.notMatching).toBe(2);

    const all = planRedrive(records, ledger, {});
    expect(all.noProvenance.map((r) => r.key)).toEqual(['o-5']);
    expect(countByCode(all.send)).toBe('DECODE_FAILED 2, TIMEOUT 1');
  });

  it('leaves a record that does not name the group that parked it, since no retry topic is its own', () => {
    const records = [parkedAt('0', 'o-1'), parkedAt('1', 'o-2', { consumerGroup: 'inventory-service' }), parkedAt('2', 'o-3', { consumerGroup: '' })];
    const plan = planRedrive(records, new Map(), {});
    expect(plan.send.map((r) => r.key)).toEqual(['o-1', 'o-2']);
    expect(plan.noGroup.map((r) => r.key)).toEqual(['o-3']);
    expect(countByGroup(plan.send)).toBe('inventory-service 1, order-projector 1');
  });
});

describe('where a redrive sends a parked record', () => {
  it('to the retry topic of the group that parked it, of the topic it came from', () => {
    expect(retryTargetOf(provenance())).toBe('orders.retry.order-projector');
    expect(retryTargetOf(provenance({ consumerGroup: 'inventory-service' }))).toBe('orders.retry.inventory-service');
    // Parked while read from the retry topic without the headers naming its first position.
    expect(retryTargetOf(provenance({ originalTopic: 'orders.retry.order-projector' }))).toBe('orders.retry.order-projector');
  });
});

describe('dlq list rows', () => {
  it('shows where a record came from, why, and where it was redriven to', () => {
    const record = parkedAt('7', 'o-1', { errorMessage: `line one\nline two ${'x'.repeat(200)}` });
    const ledger = foldLedger([{ key: Buffer.from('0:7'), value: Buffer.from(String(ledgerMessage(record, 'orders.dlq', { topic: 'orders', partition: 2, offset: '99' }, new Date(0)).value)) }]);
    const row = toListRow(record, ledger);
    expect(row).toMatchObject({ dlqPartition: 0, dlqOffset: '7', originalTopic: 'orders', originalPartition: 2, originalOffset: '41', key: 'o-1', errorCode: 'DECODE_FAILED', attempts: 1, redriven: { to: 'orders:2:99' } });
    const [header, line] = formatListTable([row, toListRow(parkedAt('8', null, null), ledger)]);
    expect(header).toMatch(/^DLQ {2}ORIGINAL\s+GROUP\s+KEY\s+CODE\s+ATTEMPTS\s+FIRST FAILURE\s+PARKED AT\s+REDRIVEN\s+MESSAGE$/);
    expect(line).toContain('0:7  orders:2:41      order-projector  o-1  DECODE_FAILED');
    expect(line).toContain('yes -> orders:2:99  line one line two x');
    expect(line?.endsWith('…')).toBe(true);
    expect(formatListTable([toListRow(parkedAt('8', null, null), ledger)])[1]).toMatch(/^0:8 {2}\(no provenance\) {2}- {6}- {4}- /);
  });
});
