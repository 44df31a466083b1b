import type { Server } from 'node:http';
import { TributaryError } from '@tributary/errors';
import { closeServer, createHttpApp, listen, parseInput } from '@tributary/http';
import { createLogger, type Logger } from '@tributary/logger';
import { createMetricsRegistry } from '@tributary/metrics';
import { customerSummariesCollection, orderViewsCollection, type CustomerSummary, type OrderView } from '@tributary/order-views';
import { stopInOrder, type RunningService } from '@tributary/service';
import { connectStore, createAliasResolver, ensureCollection, openReadModel } from '@tributary/store';
import { customerOrdersQuery, customerPath, noQuery, orderPath, ordersByStatusQuery } from './inputs.ts';
import { findCustomerSummary, listOrderViews } from './order-lists.ts';
import { createPresenceCheck } from './presence.ts';
import type { QueryApiSettings } from './settings.ts';

export const serviceName = 'query-api';

export interface QueryApi extends RunningService {
  readonly server: Server;
  readonly url: string;
}

export const startQueryApi = async (settings: QueryApiSettings, logger: Logger = createLogger({ service: serviceName, level: settings.logLevel })): Promise<QueryApi> => {
  const metrics = createMetricsRegistry(serviceName);
  const store = await connectStore({ uri: settings.mongoUri, database: settings.mongoDatabase, serverSelectionTimeoutMs: settings.mongoTimeoutMs });
  // Reads follow a replay's switch to the rebuilt copy within the alias TTL.
  const resolveName = createAliasResolver(store.db);
  const orderViews = openReadModel<OrderView>(store.db, orderViewsCollection, { resolveName });
  const summaries = openReadModel<CustomerSummary>(store.db, customerSummariesCollection, { resolveName });
  // An empty read model answers 404; only one whose collection went away afterwards answers 503.
  try {
    for (const name of [orderViewsCollection, customerSummariesCollection]) await ensureCollection(store.db, await resolveName(name));
  } catch (cause) {
    await store.close();
    throw cause;
  }
  const orderViewsExist = createPresenceCheck(store.db, () => resolveName(orderViewsCollection));
  const summariesExist = createPresenceCheck(store.db, () => resolveName(customerSummariesCollection));
  const missing = (projection: string) =>
    new TributaryError('READ_MODEL_MISSING', `The ${projection} read model is missing (dropped, or a replay is rebuilding it); retry after the time in Retry-After, or run \`tributary replay ${projection}\``, {
      details: { retryAfterSeconds: 2 },
    });
  /** A miss is a 404 only while the read model is there; without it, it is a 503 the client retries. */
  const notFound = async (exists: () => Promise<boolean>, projection: string, message: string): Promise<TributaryError> =>
    (await exists()) ? new TributaryError('NOT_FOUND', message) : missing(projection);

  const app = createHttpApp({
    logger,
    metrics,
    readiness: { store: () => store.ping() },
    routes(router) {
      router.get('/orders', async (req, res) => {
        const { status, ...page } = parseInput(ordersByStatusQuery, req.query, 'Query');
        const listed = await listOrderViews(orderViews, { status }, page);
        if (listed.orders.length === 0 && !(await orderViewsExist())) throw missing('order-views');
        res.json({ status, ...listed });
      });
      router.get('/orders/:id', async (req, res) => {
        const { id } = parseInput(orderPath, req.params, 'Path');
        parseInput(noQuery, req.query, 'Query');
        const view = await orderViews.findById(id);
        if (!view) throw await notFound(orderViewsExist, 'order-views', `Order ${id} not found (it may not be projected yet)`);
        res.json(view);
      });
      router.get('/customers/:id', async (req, res) => {
        const { id } = parseInput(customerPath, req.params, 'Path');
        parseInput(noQuery, req.query, 'Query');
        const summary = await findCustomerSummary(summaries, id);
        if (!summary) throw await notFound(summariesExist, 'customer-summaries', `Customer ${id} has no orders projected yet`);
        res.json(summary);
      });
      router.get('/customers/:id/orders', async (req, res) => {
        const { id } = parseInput(customerPath, req.params, 'Path');
        const page = parseInput(customerOrdersQuery, req.query, 'Query');
        const listed = await listOrderViews(orderViews, { customerId: id }, page);
        if (listed.orders.length === 0 && !(await orderViewsExist())) throw missing('order-views');
        res.json({ customerId: id, ...listed });
      });
    },
  });
  const server = await listen(app, settings.port, settings.host).catch(async (cause: unknown) => {
    await store.close();
    throw cause;
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : settings.port;
  return {
    server,
    url: `http://${settings.host}:${boundPort}`,
    stop: () => stopInOrder([() => closeServer(server), () => store.close()]),
  };
};
