import { TributaryError } from '@tributary/errors';

/**
 * The Confluent Schema Registry calls the CSR client does not make the way we need, as plain fetch
 * (its register() insists on one compatibility level for every subject).
 * Confluent's API and Apicurio's ccompat (/apis/ccompat/v7) answer them alike:
 *   GET  /config/{subject}                  -> { compatibilityLevel } (404: no subject)
 *   PUT  /config/{subject} { compatibility } -> sets the subject's level
 *   POST /subjects/{subject} { schema }      -> { id, version } when registered (404 otherwise)
 *   POST /subjects/{subject}/versions { schema } -> { id }, registering it (409 when the level refuses it)
 *   POST /compatibility/subjects/{subject}/versions/latest { schema } -> { is_compatible }
 */

const contentType = 'application/vnd.schemaregistry.v1+json';

export interface RegistryResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const registryMessage = (body: unknown, status: number): string =>
  typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : `HTTP ${status}`;

/** One call; 2xx and 404 are answers, everything else a TributaryError the caller can show. */
export const registryRequest = async (registryUrl: string, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, timeoutMs = 10_000): Promise<RegistryResponse> => {
  const url = `${registryUrl.replace(/\/+$/, '')}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { accept: contentType, ...(body === undefined ? {} : { 'content-type': contentType }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    throw new TributaryError('REGISTRY_UNAVAILABLE', `Cannot reach the schema registry at ${registryUrl} (${(cause as Error).message}); start one with \`npx tributary stack up\` or give its address with --registry or SCHEMA_REGISTRY_URL`, { cause });
  }
  const text = await response.text();
  let parsed: unknown = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { message: text };
  }
  const answer = { status: response.status, body: (typeof parsed === 'object' && parsed !== null ? parsed : { value: parsed }) as Record<string, unknown> };
  if (response.ok || response.status === 404) return answer;
  const details = { method, url, status: response.status };
  const message = registryMessage(parsed, response.status);
  if (response.status === 409) throw new TributaryError('SCHEMA_INCOMPATIBLE', message, { details });
  if (response.status === 422) throw new TributaryError('SCHEMA_INVALID', `The registry refused the schema as invalid: ${message}`, { details });
  throw new TributaryError('REGISTRY_UNAVAILABLE', `The schema registry at ${registryUrl} answered ${method} ${path} with ${response.status}: ${message}`, { details });
};

/** Whether a registry answers at all, quickly: `schemas check` skips the registry part when not. */
export const registryReachable = async (registryUrl: string, timeoutMs = 3_000): Promise<boolean> => {
  try {
    await registryRequest(registryUrl, 'GET', '/subjects', undefined, timeoutMs);
    return true;
  } catch {
    return false;
  }
};

const subjectPath = (subject: string): string => encodeURIComponent(subject);

/** The subject's level; `defaultToGlobal` makes Confluent answer the global one when none is set. */
export const getSubjectLevel = async (registryUrl: string, subject: string): Promise<string | undefined> => {
  const { status, body } = await registryRequest(registryUrl, 'GET', `/config/${subjectPath(subject)}?defaultToGlobal=true`);
  const level = body['compatibilityLevel'] ?? body['compatibility'];
  return status === 404 || typeof level !== 'string' ? undefined : level;
};

export const setSubjectLevel = async (registryUrl: string, subject: string, level: string): Promise<void> => {
  await registryRequest(registryUrl, 'PUT', `/config/${subjectPath(subject)}`, { compatibility: level });
};

/** The registered version and id of exactly this schema text under the subject, if any. */
export const lookupSchema = async (registryUrl: string, subject: string, schema: string): Promise<{ id: number; version: number } | undefined> => {
  const { status, body } = await registryRequest(registryUrl, 'POST', `/subjects/${subjectPath(subject)}`, { schema });
  return status === 404 ? undefined : { id: Number(body['id']), version: Number(body['version']) };
};

/**
 * Whether the registry would accept the schema as the subject's next version, under the level
 * the registry has for the subject. A subject with no versions yet (404) accepts anything.
 */
export const testCompatibility = async (registryUrl: string, subject: string, schema: string): Promise<{ compatible: boolean; messages: string[] }> => {
  const { status, body } = await registryRequest(registryUrl, 'POST', `/compatibility/subjects/${subjectPath(subject)}/versions/latest?verbose=true`, { schema });
  if (status === 404) return { compatible: true, messages: [] };
  const messages = Array.isArray(body['messages']) ? body['messages'].map(String) : [];
  return { compatible: body['is_compatible'] === true, messages };
};

/** Registers the schema under the subject (a no-op answer with the same id when it is there already). */
export const registerVersion = async (registryUrl: string, subject: string, schema: string): Promise<number> => {
  const { status, body } = await registryRequest(registryUrl, 'POST', `/subjects/${subjectPath(subject)}/versions`, { schema });
  if (status === 404 || typeof body['id'] !== 'number') {
    throw new TributaryError('REGISTRY_UNAVAILABLE', `The schema registry at ${registryUrl} did not register ${subject}: ${JSON.stringify(body)}`);
  }
  return body['id'];
};
