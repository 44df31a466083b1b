import { TributaryError } from '@tributary/errors';

/**
 * An Avro schema as a tree with every name resolved to its full name and every reference to
 * its definition, so the compatibility walker and the code generator never deal with
 * namespaces, shorthand strings or forward references themselves.
 */

export type PrimitiveName = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

/** A logical type with the attributes that change what the bytes mean (decimal precision and scale). */
export interface LogicalType {
  readonly name: string;
  readonly precision?: number;
  readonly scale?: number;
}

export interface FieldNode {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly type: SchemaNode;
  readonly hasDefault: boolean;
  readonly doc?: string;
}

export type SchemaNode =
  | { readonly kind: 'primitive'; readonly name: PrimitiveName; readonly logical?: LogicalType }
  | { readonly kind: 'record'; readonly fullName: string; readonly aliases: readonly string[]; readonly fields: FieldNode[]; readonly doc?: string }
  | { readonly kind: 'enum'; readonly fullName: string; readonly aliases: readonly string[]; readonly symbols: readonly string[]; readonly default?: string; readonly doc?: string }
  | { readonly kind: 'fixed'; readonly fullName: string; readonly aliases: readonly string[]; readonly size: number; readonly logical?: LogicalType }
  | { readonly kind: 'array'; readonly items: SchemaNode }
  | { readonly kind: 'map'; readonly values: SchemaNode }
  | { readonly kind: 'union'; readonly branches: readonly SchemaNode[] };

export type NamedNode = Extract<SchemaNode, { fullName: string }>;

const primitives = new Set<string>(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

type Json = Record<string, unknown>;

const invalid = (message: string): TributaryError => new TributaryError('SCHEMA_INVALID', message);

/** Avro's rule: a name with a dot is already full, otherwise it takes the enclosing namespace. */
const qualify = (name: string, namespace: string | undefined): string =>
  name.includes('.') || !namespace ? name : `${namespace}.${name}`;

const logicalOf = (json: Json): LogicalType | undefined => {
  const name = json['logicalType'];
  if (typeof name !== 'string') return undefined;
  const precision = json['precision'];
  const scale = json['scale'];
  return {
    name,
    ...(typeof precision === 'number' ? { precision } : {}),
    ...(name === 'decimal' ? { scale: typeof scale === 'number' ? scale : 0 } : {}),
  };
};

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** Parses schema JSON (as read from an .avsc file) into a resolved tree. */
export const toSchemaNode = (schema: unknown): SchemaNode => {
  const named = new Map<string, NamedNode>();

  const parse = (json: unknown, namespace: string | undefined): SchemaNode => {
    if (typeof json === 'string') {
      if (primitives.has(json)) return { kind: 'primitive', name: json as PrimitiveName };
      const found = named.get(qualify(json, namespace)) ?? named.get(json);
      if (!found) throw invalid(`unknown type \`${json}\`: named types must be defined before they are used`);
      return found;
    }
    if (Array.isArray(json)) return { kind: 'union', branches: json.map((branch) => parse(branch, namespace)) };
    if (typeof json !== 'object' || json === null) throw invalid(`not an Avro schema: ${JSON.stringify(json)}`);
    const object = json as Json;
    const type = object['type'];
    if (typeof type !== 'string') return parse(type, namespace);
    const doc = typeof object['doc'] === 'string' ? { doc: object['doc'] } : {};
    const define = (): { fullName: string; namespace: string | undefined; aliases: string[] } => {
      const name = object['name'];
      if (typeof name !== 'string') throw invalid(`a ${type} needs a name`);
      const ownNamespace = typeof object['namespace'] === 'string' ? object['namespace'] : namespace;
      const fullName = qualify(name, ownNamespace);
      const inner = fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : undefined;
      return { fullName, namespace: inner, aliases: stringList(object['aliases']).map((alias) => qualify(alias, inner)) };
    };
    switch (type) {
      case 'record':
      case 'error': {
        const { fullName, namespace: inner, aliases } = define();
        const fields: FieldNode[] = [];
        // Registered before its fields are parsed, so a record may refer to itself.
        const node: NamedNode = { kind: 'record', fullName, aliases, fields, ...doc };
        named.set(fullName, node);
        for (const field of (object['fields'] ?? []) as Json[]) {
          if (typeof field['name'] !== 'string') throw invalid(`a field of ${fullName} has no name`);
          fields.push({
            name: field['name'],
            aliases: stringList(field['aliases']),
            type: parse(field['type'], inner),
            hasDefault: 'default' in field,
            ...(typeof field['doc'] === 'string' ? { doc: field['doc'] } : {}),
          });
        }
        return node;
      }
      case 'enum': {
        const { fullName, aliases } = define();
        const node: NamedNode = {
          kind: 'enum',
          fullName,
          aliases,
          symbols: stringList(object['symbols']),
          ...(typeof object['default'] === 'string' ? { default: object['default'] } : {}),
          ...doc,
        };
        named.set(fullName, node);
        return node;
      }
      case 'fixed': {
        const { fullName, aliases } = define();
        const logical = logicalOf(object);
        const node: NamedNode = { kind: 'fixed', fullName, aliases, size: Number(object['size']), ...(logical ? { logical } : {}) };
        named.set(fullName, node);
        return node;
      }
      case 'array':
        return { kind: 'array', items: parse(object['items'], namespace) };
      case 'map':
        return { kind: 'map', values: parse(object['values'], namespace) };
      default: {
        if (!primitives.has(type)) return parse(type, namespace);
        const logical = logicalOf(object);
        return { kind: 'primitive', name: type as PrimitiveName, ...(logical ? { logical } : {}) };
      }
    }
  };

  return parse(schema, undefined);
};

export const shortName = (fullName: string): string => fullName.slice(fullName.lastIndexOf('.') + 1);

const describeLogical = (logical: LogicalType): string =>
  logical.name === 'decimal' ? `decimal(${logical.precision ?? '?'},${logical.scale ?? 0})` : logical.name;

/** How a type reads in a message: `int`, `decimal(18,4)`, `OrderLine[]`, `null | string`. */
export const describeType = (node: SchemaNode): string => {
  switch (node.kind) {
    case 'primitive':
      return node.logical ? describeLogical(node.logical) : node.name;
    case 'fixed':
      return node.logical ? describeLogical(node.logical) : `fixed ${shortName(node.fullName)}(${node.size})`;
    case 'record':
    case 'enum':
      return shortName(node.fullName);
    case 'array':
      return `${describeType(node.items)}[]`;
    case 'map':
      return `map<${describeType(node.values)}>`;
    case 'union':
      return node.branches.map(describeType).join(' | ');
  }
};
