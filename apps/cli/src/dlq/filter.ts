import { usageError } from '../usage-error.ts';
import type { ParkedRecord } from './parked.ts';

/**
 * `--filter code=X,key=Y,partition=N,offset=N,group=G`. partition and offset are the record's
 * position in its original topic, as the consumer's logs name it. Different fields must all match;
 * a field given twice matches either value (`code=DECODE_FAILED,code=UNKNOWN_SCHEMA_ID`).
 */
export const filterFields = ['code', 'key', 'partition', 'offset', 'group'] as const;
export type FilterField = (typeof filterFields)[number];
export type RedriveFilter = Partial<Record<FilterField, string[]>>;

const isField = (name: string): name is FilterField => (filterFields as readonly string[]).includes(name);

export const parseFilter = (text: string | undefined): RedriveFilter => {
  const filter: RedriveFilter = {};
  if (text === undefined) return filter;
  for (const term of text.split(',').map((part) => part.trim()).filter((part) => part.length > 0)) {
    const at = term.indexOf('=');
    const name = at > 0 ? term.slice(0, at).trim() : '';
    const value = at > 0 ? term.slice(at + 1).trim() : '';
    if (!isField(name) || value.length === 0) {
      throw usageError(`--filter takes field=value terms separated by commas, fields ${filterFields.join(', ')}; got "${term}"`);
    }
    if ((name === 'partition' || name === 'offset') && !/^\d+$/.test(value)) {
      throw usageError(`--filter ${name} takes a whole number, got "${value}"`);
    }
    // Offsets are compared as text: "007" and "7" name the same offset.
    (filter[name] ??= []).push(name === 'partition' || name === 'offset' ? BigInt(value).toString() : value);
  }
  return filter;
};

const fieldValue = (record: ParkedRecord, field: FilterField): string | undefined => {
  const provenance = record.provenance;
  switch (field) {
    case 'code':
      return provenance?.errorCode;
    case 'key':
      return record.key ?? undefined;
    case 'partition':
      return provenance ? String(provenance.originalPartition) : undefined;
    case 'offset':
      return provenance?.originalOffset;
    case 'group':
      return provenance?.consumerGroup;
  }
};

export const matchesFilter = (filter: RedriveFilter, record: ParkedRecord): boolean =>
  filterFields.every((field) => {
    const wanted = filter[field];
    if (!wanted) return true;
    const value = fieldValue(record, field);
    return value !== undefined && wanted.includes(value);
  });

export const describeFilter = (filter: RedriveFilter): string => {
  const terms = filterFields.flatMap((field) => (filter[field] ?? []).map((value) => `${field}=${value}`));
  return terms.length === 0 ? 'every parked record' : terms.join(',');
};
