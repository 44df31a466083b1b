import { parseSchema } from '@tributary/avro';
import type avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { describeProblem } from './messages.ts';
import { resolutionProblems } from './resolution.ts';

const record = (fields: unknown[], extra: Record<string, unknown> = {}) => ({ type: 'record', name: 'OrderPlaced', namespace: 'io.tributary.orders', fields, ...extra });
const field = (name: string, type: unknown, extra: Record<string, unknown> = {}) => ({ name, type, ...extra });
const decimal = (precision: number, scale: number) => ({ type: 'bytes', logicalType: 'decimal', precision, scale });
const line = (quantity: unknown) => ({ type: 'array', items: { type: 'record', name: 'OrderLine', fields: [field('sku', 'string'), field('quantity', quantity)] } });
const channel = (symbols: string[], extra: Record<string, unknown> = {}) => ({ type: 'enum', name: 'OrderChannel', symbols, ...extra });

/** reader reads writer: the problems, without paths' noise. */
const problems = (reader: unknown, writer: unknown) => resolutionProblems(reader, writer);

describe('Avro schema resolution, field by field', () => {
  it('needs a default for a reader field the writer lacks', () => {
    expect(problems(record([field('a', 'string'), field('b', 'string')]), record([field('a', 'string')]))).toEqual([{ kind: 'missing-field', path: 'b' }]);
    expect(problems(record([field('a', 'string'), field('b', 'string', { default: '' })]), record([field('a', 'string')]))).toEqual([]);
  });

  it('ignores fields only the writer has', () => {
    expect(problems(record([field('a', 'string')]), record([field('a', 'string'), field('b', 'int')]))).toEqual([]);
  });

  it('finds a renamed field through the reader alias', () => {
    expect(problems(record([field('total', 'string', { aliases: ['amount'] })]), record([field('amount', 'string')]))).toEqual([]);
  });

  it('allows the promotions int→long/float/double, long→float/double, float→double and string↔bytes', () => {
    const read = (reader: string, writer: string) => problems(record([field('x', reader)]), record([field('x', writer)]));
    for (const [writer, readers] of Object.entries({ int: ['long', 'float', 'double'], long: ['float', 'double'], float: ['double'], string: ['bytes'], bytes: ['string'] })) {
      for (const reader of readers) expect(read(reader, writer), `${writer} read as ${reader}`).toEqual([]);
    }
    expect(read('int', 'long')).toEqual([{ kind: 'type-changed', path: 'x', reader: 'int', writer: 'long' }]);
    expect(read('float', 'double')).toHaveLength(1);
  });

  it('names a changed field inside array items by its path', () => {
    expect(problems(record([field('items', line('string'))]), record([field('items', line('int'))]))).toEqual([
      { kind: 'type-changed', path: 'items[].quantity', reader: 'string', writer: 'int' },
    ]);
  });

  it('recurses into map values', () => {
    const map = (values: string) => ({ type: 'map', values });
    expect(problems(record([field('tags', map('int'))]), record([field('tags', map('string'))]))).toEqual([{ kind: 'type-changed', path: 'tags{}', reader: 'int', writer: 'string' }]);
  });

  it('matches records by full name or a reader alias', () => {
    const renamed = { ...record([field('a', 'string')]), name: 'OrderSubmitted' };
    expect(problems(renamed, record([field('a', 'string')]))).toEqual([
      { kind: 'name-changed', path: '', reader: 'io.tributary.orders.OrderSubmitted', writer: 'io.tributary.orders.OrderPlaced' },
    ]);
    expect(problems({ ...renamed, aliases: ['OrderPlaced'] }, record([field('a', 'string')]))).toEqual([]);
  });

  it('needs the reader enum default for a symbol only the writer knows', () => {
    const read = (reader: unknown, writer: unknown) => problems(record([field('channel', reader)]), record([field('channel', writer)]));
    expect(read(channel(['WEB']), channel(['WEB', 'KIOSK']))).toEqual([{ kind: 'enum-symbol', path: 'channel', enumName: 'OrderChannel', symbol: 'KIOSK' }]);
    expect(read(channel(['WEB'], { default: 'WEB' }), channel(['WEB', 'KIOSK']))).toEqual([]);
    expect(read(channel(['WEB', 'KIOSK']), channel(['WEB']))).toEqual([]);
  });

  it('reads a plain writer type through any reader union branch', () => {
    expect(problems(record([field('code', ['null', 'string'])]), record([field('code', 'string')]))).toEqual([]);
    expect(problems(record([field('code', ['null', 'int'])]), record([field('code', 'string')]))).toEqual([
      { kind: 'type-changed', path: 'code', reader: 'null | int', writer: 'string' },
    ]);
  });

  it('needs every writer union branch readable', () => {
    expect(problems(record([field('code', 'string')]), record([field('code', ['null', 'string'])]))).toEqual([
      { kind: 'union-branch', path: 'code', reader: 'string', writer: 'null | string', branch: 'null' },
    ]);
    expect(problems(record([field('code', ['null', 'string', 'int'])]), record([field('code', ['null', 'string'])]))).toEqual([]);
    expect(problems(record([field('code', ['null', 'long'])]), record([field('code', ['null', 'int'])]))).toEqual([]);
  });

  it('reports the precise problem inside the reader union branch that matches by name', () => {
    const address = (fields: unknown[]) => ['null', { type: 'record', name: 'Address', fields }];
    expect(problems(record([field('shipTo', address([field('city', 'string'), field('zip', 'string')]))]), record([field('shipTo', address([field('city', 'string')]))]))).toEqual([
      { kind: 'missing-field', path: 'shipTo.zip' },
    ]);
  });

  it('needs equal size for fixed types', () => {
    const fixed = (size: number) => ({ type: 'fixed', name: 'Hash', size });
    expect(problems(record([field('h', fixed(16))]), record([field('h', fixed(32))]))).toEqual([{ kind: 'fixed-size', path: 'h', name: 'Hash', reader: 16, writer: 32 }]);
  });

  it('needs equal decimal precision and scale, and no logical type dropped or added', () => {
    const read = (reader: unknown, writer: unknown) => problems(record([field('price', reader)]), record([field('price', writer)]));
    expect(read(decimal(18, 4), decimal(18, 4))).toEqual([]);
    expect(read(decimal(18, 4), decimal(18, 2))).toEqual([{ kind: 'type-changed', path: 'price', reader: 'decimal(18,4)', writer: 'decimal(18,2)' }]);
    expect(read(decimal(18, 4), decimal(10, 4))).toHaveLength(1);
    expect(read('bytes', decimal(18, 4))).toEqual([{ kind: 'type-changed', path: 'price', reader: 'bytes', writer: 'decimal(18,4)' }]);
  });

  it('terminates on recursive records', () => {
    const tree = { type: 'record', name: 'Node', fields: [field('children', { type: 'array', items: 'Node' })] };
    expect(problems(tree, tree)).toEqual([]);
  });

  it("reports avsc's refusal when the walker finds nothing", () => {
    // The walker and avsc disagreeing is a walker bug; the gate must still fail, with avsc's words.
    const same = record([field('a', 'string')]);
    const types = { reader: parseSchema(record([field('a', 'string'), field('b', 'int')]) as avsc.Schema), writer: parseSchema(same as avsc.Schema) };
    const [problem, ...rest] = resolutionProblems(same, same, types);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ kind: 'resolver', path: '' });
    expect(problem?.kind === 'resolver' && problem.message).toMatch(/\S/);
  });
});

describe('problem messages', () => {
  const placed = (extra: unknown[]) => record([field('orderId', 'string'), ...extra]);
  const v2 = placed([field('currency', 'string')]);
  const v3 = placed([]);

  it('tells a removed field without default as old consumers unable to read the new version', () => {
    const [problem] = resolutionProblems(v2, v3);
    expect(describeProblem({ eventType: 'OrderPlaced', readerVersion: 2, writerVersion: 3 }, problem!)).toBe(
      'OrderPlaced v3 removes field `currency` which has no default: consumers on v2 cannot read v3',
    );
  });

  it('tells an added field without default as new consumers unable to read old records', () => {
    const [problem] = resolutionProblems(placed([field('x', 'string')]), placed([]));
    expect(describeProblem({ eventType: 'OrderPlaced', readerVersion: 3, writerVersion: 1 }, problem!)).toBe(
      'OrderPlaced v3 adds field `x` without a default: v3 consumers cannot read v1 records',
    );
  });

  it('tells a changed type from the old type to the new one', () => {
    const [problem] = resolutionProblems(record([field('items', line('int'))]), record([field('items', line('string'))]));
    expect(describeProblem({ eventType: 'OrderPlaced', readerVersion: 1, writerVersion: 2 }, problem!)).toBe(
      'OrderPlaced v2 changes field `items[].quantity` from int to string: consumers on v1 cannot read v2',
    );
  });

  it('tells an added enum symbol', () => {
    const [problem] = resolutionProblems(record([field('channel', channel(['WEB']))]), record([field('channel', channel(['WEB', 'X']))]));
    expect(describeProblem({ eventType: 'OrderPlaced', readerVersion: 1, writerVersion: 2 }, problem!)).toBe(
      'OrderPlaced v2 adds symbol `X` to enum `OrderChannel` which has no default: consumers on v1 cannot read v2',
    );
  });

  it('tells a union narrowed by a newer reader', () => {
    const [problem] = resolutionProblems(record([field('promoCode', 'string')]), record([field('promoCode', ['null', 'string'])]));
    expect(describeProblem({ eventType: 'OrderPlaced', readerVersion: 3, writerVersion: 2 }, problem!)).toBe(
      'OrderPlaced v3 changes field `promoCode` from null | string to string, and a null value cannot be read as string: v3 consumers cannot read v2 records',
    );
  });
});
