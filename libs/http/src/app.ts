import type { Server } from 'node:http';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from '@tributary/logger';
import { counter, histogram, sampledGauge, type MetricsRegistry } from '@tributary/metrics';
import { httpServerSpans, noTracing } from '@tributary/tracing';
import express, { type Express, type RequestHandler } from 'express';
import { commonOperations } from './common-operations.ts';
import { errorHandler, notFound } from './errors.ts';
import { answerWrongMethods } from './mounted-routes.ts';
import { openApiDocument, type ApiDescription } from './openapi.ts';
import { corsPolicy, securityHeaders } from './protection.ts';
import { requestId } from './request-id.ts';

/** One dependency's answer: ready or not, optionally with the reason /readyz shows. */
export type ReadinessResult = boolean | { ready: boolean; reason?: string };

/** A named dependency check for /readyz: true (or { ready: true }) when that dependency can serve. */
export type ReadinessChecks = Record<string, () => ReadinessResult | Promise<ReadinessResult>>;

export interface HttpAppOptions {
  logger: Logger;
  metrics: MetricsRegistry;
  readiness: ReadinessChecks;
  /** Largest JSON body accepted. */
  bodyLimit?: string;
  /** Origins whose browser pages may call this service; none by default (CORS closed). */
  corsOrigins?: readonly string[];
  /** Mounts the service's own routes between the common middleware and the error handling. */
  routes: (app: Express) => void;
  /** Makes each request to the service's own routes a span; probes and /metrics are left out. */
  tracer?: Tracer;
  /** Fields /readyz shows besides the checks, read at each request (the settings' version). */
  readinessDetails?: () => Record<string, unknown>;
  /** The service's own operations, served with the common ones as OpenAPI 3.1 at GET /openapi.json. */
  api?: ApiDescription;
}

/** What a service without a description of its own documents: the common endpoints alone. */
const untitled: ApiDescription = { title: 'Tributary service', version: '0.1.0', operations: [] };

const httpMetrics = (metrics: MetricsRegistry): RequestHandler => {
  const requests = counter(metrics, 'http_requests_total', 'HTTP requests answered', ['method', 'route', 'status']);
  const duration = histogram(metrics, 'http_request_duration_seconds', 'HTTP request duration', ['method', 'route']);
  return (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      // The route pattern, not the path: one series for /orders/:id, not one per order.
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ method: req.method, route });
    });
    next();
  };
};

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, boolean>;
  /** Why a check is not ready, for the checks that say. */
  reasons: Record<string, string>;
}

/** Runs every check at once; a check that throws counts as not ready (its message, which may name hosts, is not shown). */
export const runReadinessChecks = async (checks: ReadinessChecks): Promise<ReadinessReport> => {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        const result = await check();
        return { name, ...(typeof result === 'boolean' ? { ready: result } : result) };
      } catch {
        return { name, ready: false, reason: 'check failed' };
      }
    }),
  );
  return {
    ready: results.every((result) => result.ready),
    checks: Object.fromEntries(results.map((result) => [result.name, result.ready])),
    reasons: Object.fromEntries(results.flatMap((result) => (!result.ready && result.reason !== undefined ? [[result.name, result.reason]] : []))),
  };
};

/**
 * /readyz as metrics, sampled at each scrape, so an alert sees a pod that is up but not ready. One
 * run of the checks serves both gauges of a scrape.
 */
const readinessMetrics = (metrics: MetricsRegistry, readiness: ReadinessChecks): void => {
  let last: { at: number; report: Promise<ReadinessReport> } | undefined;
  const report = (): Promise<ReadinessReport> => {
    if (!last || Date.now() - last.at > 1_000) last = { at: Date.now(), report: runReadinessChecks(readiness) };
    return last.report;
  };
  sampledGauge(metrics, 'service_ready', '1 while /readyz answers 200 (every check ready), else 0', [], async (gauge) => {
    gauge.set((await report()).ready ? 1 : 0);
  });
  sampledGauge(metrics, 'service_readiness_check', 'Each /readyz check: 1 ready, 0 not', ['check'], async (gauge) => {
    for (const [check, ready] of Object.entries((await report()).checks)) gauge.set({ check }, ready ? 1 : 0);
  });
};

/** An express app with request ids, metrics, /healthz, /readyz, /metrics and JSON errors. */
export const createHttpApp = ({ logger, metrics, readiness, bodyLimit = '64kb', corsOrigins = [], routes, tracer = noTracing.tracer, readinessDetails, api = untitled }: HttpAppOptions): Express => {
  const app = express();
  app.disable('x-powered-by');
  // Flat string values only: `a[b]=c` stays a key named "a[b]" instead of becoming an object.
  app.set('query parser', 'simple');
  app.use(requestId());
  app.use(securityHeaders());
  const cors = corsPolicy(corsOrigins);
  if (cors) app.use(cors);
  app.use(httpMetrics(metrics));
  readinessMetrics(metrics, readiness);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'alive' });
  });
  app.get('/readyz', async (_req, res) => {
    const { ready, checks, reasons } = await runReadinessChecks(readiness);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks, ...(Object.keys(reasons).length > 0 ? { reasons } : {}), ...readinessDetails?.() });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  const document = openApiDocument({ ...api, operations: [...commonOperations, ...api.operations] });
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use(httpServerSpans(tracer));
  app.use(express.json({ limit: bodyLimit, strict: true }));
  routes(app);
  answerWrongMethods(app);
  app.use(notFound());
  app.use(errorHandler(logger));
  return app;
};

/** Starts listening; resolves once the port is bound, rejects when it cannot be. */
export const listen = (app: Express, port: number, host: string): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });

export const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
