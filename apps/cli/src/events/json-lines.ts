import { validate, type SchemaEntry } from '@tributary/avro';

/** One input line ready to produce: its line number, key and payload. */
export interface PreparedRecord {
  line: number;
  key: string;
  payload: Record<string, unknown>;
}

export interface InvalidLine {
  line: number;
  reason: string;
}

export interface PreparedInput {
  records: PreparedRecord[];
  invalid: InvalidLine[];
}

/** The field that keys records when none is given: the aggregate id every contract starts with. */
export const defaultKeyField = (entry: SchemaEntry): string | undefined => {
  const fields = (entry.type.schema() as { fields?: { name: string }[] }).fields ?? [];
  return fields.find((field) => field.name === 'orderId')?.name ?? fields.find((field) => field.name.endsWith('Id'))?.name;
};

/**
 * Parses JSON lines and checks each against the schema, before anything is produced: the caller
 * decides whether one bad line stops everything or is skipped. Blank lines are ignored.
 */
export const prepareRecords = (text: string, entry: SchemaEntry, keyField: string): PreparedInput => {
  const records: PreparedRecord[] = [];
  const invalid: InvalidLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      invalid.push({ line, reason: `not valid JSON (${(error as Error).message})` });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      invalid.push({ line, reason: 'must be a JSON object' });
      return;
    }
    const payload = value as Record<string, unknown>;
    const key = payload[keyField];
    if (typeof key !== 'string' || key === '') {
      invalid.push({ line, reason: `key field \`${keyField}\` must be a non-empty string` });
      return;
    }
    const problems = validate(entry.type, payload);
    if (problems.length > 0) {
      invalid.push({ line, reason: problems.map((p) => `field \`${p.field}\`: ${p.message}`).join('; ') });
      return;
    }
    records.push({ line, key, payload });
  });
  return { records, invalid };
};
