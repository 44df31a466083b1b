import { parseSchema } from '@tributary/avro';
import type avsc from 'avsc';
import { describeType, shortName, toSchemaNode, type NamedNode, type PrimitiveName, type SchemaNode } from './schema-model.ts';

/**
 * Why a reader schema cannot read what a writer schema wrote, by Avro schema resolution
 * (https://avro.apache.org/docs/1.11.1/specification/#schema-resolution). `path` names the field:
 * `currency`, `items[].quantity` (array items), `attributes{}` (map values); a union is transparent.
 */
export type ResolutionProblem =
  /** The reader has a field the writer lacks, and no default to fill it with. */
  | { readonly kind: 'missing-field'; readonly path: string }
  /** The types differ and no promotion turns the writer's into the reader's. */
  | { readonly kind: 'type-changed'; readonly path: string; readonly reader: string; readonly writer: string }
  /** A branch of the writer's union that no branch of the reader's type can read. */
  | { readonly kind: 'union-branch'; readonly path: string; readonly reader: string; readonly writer: string; readonly branch: string }
  /** The writer's enum has a symbol the reader's lacks, and the reader's enum has no default. */
  | { readonly kind: 'enum-symbol'; readonly path: string; readonly enumName: string; readonly symbol: string }
  /** A named type whose reader name neither equals nor aliases the writer name. */
  | { readonly kind: 'name-changed'; readonly path: string; readonly reader: string; readonly writer: string }
  | { readonly kind: 'fixed-size'; readonly path: string; readonly name: string; readonly reader: number; readonly writer: number }
  /** avsc refused to resolve though the walker found nothing: its own message. */
  | { readonly kind: 'resolver'; readonly path: string; readonly message: string };

// Avro's promotions: the writer's type (key) may be read as any of these reader types.
const promotions: Partial<Record<PrimitiveName, readonly PrimitiveName[]>> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

const join = (path: string, name: string): string => (path ? `${path}.${name}` : name);

const namesMatch = (reader: NamedNode, writer: NamedNode): boolean =>
  reader.fullName === writer.fullName || reader.aliases.includes(writer.fullName);

const sameLogical = (a: SchemaNode, b: SchemaNode): boolean => {
  const left = 'logical' in a ? a.logical : undefined;
  const right = 'logical' in b ? b.logical : undefined;
  return left?.name === right?.name && left?.precision === right?.precision && left?.scale === right?.scale;
};

/** Avro's shallow "match" used to pick a union branch: same kind and name, or a promotion. */
const matches = (reader: SchemaNode, writer: SchemaNode): boolean => {
  if (reader.kind === 'primitive' && writer.kind === 'primitive') {
    return reader.name === writer.name || (promotions[writer.name] ?? []).includes(reader.name);
  }
  if (reader.kind !== writer.kind) return false;
  if ('fullName' in reader && 'fullName' in writer) return namesMatch(reader, writer);
  return true;
};

const walk = (reader: SchemaNode, writer: SchemaNode, path: string, seen: Map<SchemaNode, Set<SchemaNode>>): ResolutionProblem[] => {
  if (writer.kind === 'union') {
    return writer.branches.flatMap((branch): ResolutionProblem[] => {
      const candidates = reader.kind === 'union' ? reader.branches : [reader];
      // A branch no reader type even starts to read is best told as a change of the whole union.
      if (!candidates.some((candidate) => matches(candidate, branch))) {
        return [{ kind: 'union-branch', path, reader: describeType(reader), writer: describeType(writer), branch: describeType(branch) }];
      }
      return reader.kind === 'union' ? readByUnion(reader, branch, path, seen) : walk(reader, branch, path, seen);
    });
  }
  if (reader.kind === 'union') return readByUnion(reader, writer, path, seen);

  const typeChanged = (): ResolutionProblem[] => [{ kind: 'type-changed', path, reader: describeType(reader), writer: describeType(writer) }];

  if (reader.kind === 'primitive' && writer.kind === 'primitive') {
    // A logical type changes what the bytes mean (money scale, time unit): no promotion across it.
    if (reader.logical || writer.logical) return sameLogical(reader, writer) && reader.name === writer.name ? [] : typeChanged();
    return matches(reader, writer) ? [] : typeChanged();
  }
  if (reader.kind === 'array' && writer.kind === 'array') return walk(reader.items, writer.items, `${path}[]`, seen);
  if (reader.kind === 'map' && writer.kind === 'map') return walk(reader.values, writer.values, `${path}{}`, seen);
  if (!('fullName' in reader) || !('fullName' in writer) || reader.kind !== writer.kind) return typeChanged();
  if (!namesMatch(reader, writer)) return [{ kind: 'name-changed', path, reader: reader.fullName, writer: writer.fullName }];

  if (reader.kind === 'enum' && writer.kind === 'enum') {
    if (reader.default !== undefined) return [];
    return writer.symbols
      .filter((symbol) => !reader.symbols.includes(symbol))
      .map((symbol) => ({ kind: 'enum-symbol', path, enumName: shortName(reader.fullName), symbol }) as const);
  }
  if (reader.kind === 'fixed' && writer.kind === 'fixed') {
    if (reader.size !== writer.size) return [{ kind: 'fixed-size', path, name: shortName(reader.fullName), reader: reader.size, writer: writer.size }];
    return sameLogical(reader, writer) ? [] : typeChanged();
  }
  if (reader.kind === 'record' && writer.kind === 'record') {
    // Recursive records: a pair already under way is being checked further up.
    const pairs = seen.get(reader) ?? new Set<SchemaNode>();
    if (pairs.has(writer)) return [];
    seen.set(reader, pairs.add(writer));
    return reader.fields.flatMap((field): ResolutionProblem[] => {
      const written = writer.fields.find((w) => w.name === field.name) ?? writer.fields.find((w) => field.aliases.includes(w.name));
      if (written) return walk(field.type, written.type, join(path, field.name), seen);
      return field.hasDefault ? [] : [{ kind: 'missing-field', path: join(path, field.name) }];
    });
  }
  return typeChanged();
};

/**
 * A single writer type read by a reader union: fine when any branch reads it. Otherwise the
 * problems of the branch that matches by kind and name are the precise ones to report.
 */
const readByUnion = (reader: Extract<SchemaNode, { kind: 'union' }>, writer: SchemaNode, path: string, seen: Map<SchemaNode, Set<SchemaNode>>): ResolutionProblem[] => {
  let closest: ResolutionProblem[] | undefined;
  for (const branch of reader.branches) {
    const problems = walk(branch, writer, path, seen);
    if (problems.length === 0) return [];
    if (!closest && matches(branch, writer)) closest = problems;
  }
  return closest ?? [{ kind: 'type-changed', path, reader: describeType(reader), writer: describeType(writer) }];
};

/** The walker alone: pure, over schema JSON or parsed nodes. */
export const readProblems = (reader: SchemaNode, writer: SchemaNode): ResolutionProblem[] => walk(reader, writer, '', new Map());

/**
 * Can `readerSchema` read records written with `writerSchema`? The walker gives precise
 * problems; avsc's own resolver is asked too, so a rule the walker misses still fails the gate.
 */
export const resolutionProblems = (readerSchema: unknown, writerSchema: unknown, types?: { reader: avsc.Type; writer: avsc.Type }): ResolutionProblem[] => {
  const problems = readProblems(toSchemaNode(readerSchema), toSchemaNode(writerSchema));
  if (problems.length > 0) return problems;
  try {
    const reader = types?.reader ?? parseSchema(readerSchema as avsc.Schema);
    const writer = types?.writer ?? parseSchema(writerSchema as avsc.Schema);
    reader.createResolver(writer);
    return [];
  } catch (error) {
    return [{ kind: 'resolver', path: '', message: (error as Error).message }];
  }
};
