import { TributaryError } from '@tributary/errors';

/**
 * The parts of Jaeger's HTTP JSON query API (the one its UI uses, under /api) that `trace` reads.
 * Times are microseconds: `startTime` since the Unix epoch, `duration` of the span. A span names
 * its parent through a CHILD_OF reference and its service through `processID`, a key into the
 * trace's `processes`.
 */
export interface JaegerTag {
  key: string;
  type?: string;
  value: unknown;
}

export interface JaegerReference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  traceID: string;
  spanID: string;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: JaegerReference[] | null;
  startTime: number;
  duration: number;
  tags?: JaegerTag[] | null;
  processID: string;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags?: JaegerTag[] | null }>;
}

interface Answer<T> {
  data: T | null;
  errors?: { code?: number; msg?: string }[] | null;
}

export interface TraceSearch {
  service: string;
  /** Span attributes every match must carry, e.g. { 'order.id': 'o-1' }. */
  tags: Record<string, string>;
  /** Microseconds since the epoch. */
  start: number;
  end: number;
  limit: number;
}

export interface JaegerClient {
  services(): Promise<string[]>;
  searchTraces(search: TraceSearch): Promise<JaegerTrace[]>;
}

const unreachable = (baseUrl: string, cause: unknown): TributaryError =>
  new TributaryError(
    'TRACING_UNAVAILABLE',
    `Jaeger does not answer at ${baseUrl}; \`tributary stack up\` starts it (or \`npm start\`), or point --jaeger-url / TRIBUTARY_JAEGER_URL at yours`,
    { cause, details: { jaegerUrl: baseUrl } },
  );

/** A client of one Jaeger query service; `fetchImpl` is there for tests. */
export const jaegerClient = (baseUrl: string, fetchImpl: typeof fetch = fetch, timeoutMs = 10_000): JaegerClient => {
  const base = baseUrl.replace(/\/+$/, '');
  const get = async <T>(path: string): Promise<T> => {
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    } catch (cause) {
      throw unreachable(base, cause);
    }
    const text = await response.text();
    let answer: Answer<T> | undefined;
    try {
      answer = JSON.parse(text) as Answer<T>;
    } catch {
      answer = undefined;
    }
    if (!response.ok || answer === undefined) {
      const said = answer?.errors?.map((error) => error.msg).join('; ') || text.slice(0, 200);
      throw new TributaryError(
        'TRACING_UNAVAILABLE',
        `Jaeger at ${base} answered ${response.status} to GET ${path.split('?')[0]}${said ? `: ${said}` : ''}; is ${base} Jaeger's query address (its UI port)?`,
        { details: { jaegerUrl: base, status: response.status } },
      );
    }
    return answer.data as T;
  };
  return {
    services: async () => (await get<string[] | null>('/api/services')) ?? [],
    searchTraces: async ({ service, tags, start, end, limit }) => {
      const query = new URLSearchParams({ service, tags: JSON.stringify(tags), start: String(start), end: String(end), limit: String(limit) });
      return (await get<JaegerTrace[] | null>(`/api/traces?${query.toString()}`)) ?? [];
    },
  };
};
