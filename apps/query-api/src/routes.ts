import { TributaryError } from '@tributary/errors';
import { parseInput, type HttpAppOptions } from '@tributary/http';
import { customerSummariesCollection, orderViewsCollection, type CustomerSummary, type OrderView } from '@tributary/order-views';
import { createAliasResolver, ensureCollection, openReadModel, type ReadModel, type Store } from '@tributary/store';
import { customerOrdersQuery, customerPath, noQuery, orderPath, ordersByStatusQuery } from './inputs.ts';
import { findCustomerSummary, listOrderViews, statusFilter } from './order-lists.ts';
import { createPresenceCheck } from './presence.ts';

const missing = (projection: string) =>
  new TributaryError('READ_MODEL_MISSING', `The ${projection} read model is missing (dropped, or a replay is rebuilding it); retry after the time in Retry-After, or run \`tributary replay ${projection}\``, {
    details: { retryAfterSeconds: 2 },
  });

/** A miss is a 404 only while the read model is there; without it, it is a 503 the client retries. */
const notFound = async (exists: () => Promise<boolean>, projection: string, message: string): Promise<TributaryError> =>
  (await exists()) ? new TributaryError('NOT_FOUND', message) : missing(projection);

export interface QueryModels {
  orderViews: ReadModel<OrderView>;
  summaries: ReadModel<CustomerSummary>;
  orderViewsExist: () => Promise<boolean>;
  summariesExist: () => Promise<boolean>;
}

/** The read models query-api serves, with their collections made sure of. */
export const openQueryModels = async (db: Store['db']): Promise<QueryModels> => {
  // Reads follow a replay's switch to the rebuilt copy within the alias TTL.
  const resolveName = createAliasResolver(db);
  // An empty read model answers 404; only one whose collection went away afterwards answers 503.
  for (const name of [orderViewsCollection, customerSummariesCollection]) await ensureCollection(db, await resolveName(name));
  return {
    orderViews: openReadModel<OrderView>(db, orderViewsCollection, { resolveName }),
    summaries: openReadModel<CustomerSummary>(db, customerSummariesCollection, { resolveName }),
    orderViewsExist: createPresenceCheck(db, () => resolveName(orderViewsCollection)),
    summariesExist: createPresenceCheck(db, () => resolveName(customerSummariesCollection)),
  };
};

/** GET routes over the order views and customer summaries. */
export const queryRoutes = ({ orderViews, summaries, orderViewsExist, summariesExist }: QueryModels): HttpAppOptions['routes'] => {
  return (router) => {
    router.get('/orders', async (req, res) => {
      const { status, placedBefore, ...page } = parseInput(ordersByStatusQuery, req.query, 'Query');
      const listed = await listOrderViews(orderViews, statusFilter({ status, placedBefore }), page);
      if (listed.orders.length === 0 && !(await orderViewsExist())) throw missing('order-views');
      res.json({ status, ...(placedBefore === undefined ? {} : { placedBefore }), ...listed });
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
  };
};
