/**
 * Secrets never reach a log line: values under secret-looking keys are replaced, and credentials
 * inside connection strings (scheme://user:password@host) are masked wherever they appear, in
 * messages, error texts and nested fields alike.
 */
const secretKey = /pass(word|wd)?$|secret|token|authorization|api[-_]?key|credential|^sasl$|cookie/i;
const credentialsInUri = /([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]+):([^\s@/]+)@/gi;

export const redacted = '[redacted]';

export const redactText = (text: string): string => text.replace(credentialsInUri, `$1$2:${redacted}@`);

/** A field's value as it may be logged: masked entirely when its key names a secret. */
export const redactField = (key: string, value: unknown, depth = 0): unknown =>
  secretKey.test(key) && value !== undefined && value !== null ? redacted : redactValue(value, depth);

export const redactValue = (value: unknown, depth = 0): unknown => {
  if (typeof value === 'string') return redactText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (value instanceof Date) return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) result[key] = redactField(key, inner, depth + 1);
  return result;
};
