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
    // A strict object's unknown keys are one issue; each key is a mistake of its own.
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
    for (const path of paths) {
      const field = fieldPath(path);
      byField.set(field, [...(byField.get(field) ?? []), issue.message]);
    }
  }
  const fields: FieldProblem[] = [...byField].map(([field, messages]) => ({ field, message: messages.join('; ') }));
  throw new TributaryError('VALIDATION_FAILED', `${what} is invalid: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, {
    details: { fields },
  });
};

/**
 * The error option of a strict body object: `notAnObject` when the body is not an object at all,
 * and "is not a field of this body" for each unknown key (a typo is not silently dropped).
 */
export const bodyErrors =
  (notAnObject: string) =>
  (issue: { code?: string }): string | undefined =>
    issue.code === 'invalid_type' ? notAnObject : issue.code === 'unrecognized_keys' ? 'is not a field of this body' : undefined;
