import type { Server } from 'node:http';
import { TributaryError } from '@tributary/errors';
import { closeServer, createHttpApp, listen, parseInput } from '@tributary/http';
import { createLogger, type Logger } from '@tributary/logger';
import { createMetricsRegistry } from '@tributary/metrics';
import { orderViewsCollection, type OrderView } from '@tributary/order-views';
import { stopInOrder, type RunningService } from '@tributary/service';
import { connectStore, openReadModel } from '@tributary/store';
import { z } from 'zod';
import type { QueryApiSettings } from './settings.ts';

export const serviceName = 'query-api';

export interface QueryApi extends RunningService {
  readonly server: Server;
  readonly url: string;
}

/** Ids are plain strings of a known alphabet: nothing shaped like a query operator reaches the store. */
const orderIdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be an order id (letters, digits, . _ : -)') });

export const startQueryApi = async (settings: QueryApiSettings, logger: Logger = createLogger({ service: serviceName, level: settings.logLevel })): Promise<QueryApi> => {
  const metrics = createMetricsRegistry(serviceName);
  const store = await connectStore({ uri: settings.mongoUri, database: settings.mongoDatabase, serverSelectionTimeoutMs: settings.mongoTimeoutMs });
  const orderViews = openReadModel<OrderView>(store.db, orderViewsCollection);

  const app = createHttpApp({
    logger,
    metrics,
    readiness: { store: () => store.ping() },
    routes(router) {
      router.get('/orders/:id', async (req, res) => {
        const { id } = parseInput(orderIdParams, req.params, 'Path');
        const view = await orderViews.findById(id);
        if (!view) throw new TributaryError('NOT_FOUND', `Order ${id} not found (it may not be projected yet)`);
        res.json(view);
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
