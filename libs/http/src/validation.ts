import { TributaryError } from '@tributary/errors';
import type { z } from 'zod';

export interface FieldProblem {
  field: string;
  message: string;
}

const fieldPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '') || '(body)';

/** Parses input with a schema; on failure the error names each bad field, for a 400 answer. */
export const parseInput = <S extends z.ZodType>(schema: S, input: unknown, what = 'Request body'): z.output<S> => {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  // One entry per field: an empty id breaks both "not empty" and the pattern, but is one mistake.
  const byField = new Map<string, string[]>();
  for (const issue of result.error.issues) {
    const field = fieldPath(issue.path);
    byField.set(field, [...(byField.get(field) ?? []), issue.message]);
  }
  const fields: FieldProblem[] = [...byField].map(([field, messages]) => ({ field, message: messages.join('; ') }));
  throw new TributaryError('VALIDATION_FAILED', `${what} is invalid: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, {
    details: { fields },
  });
};
