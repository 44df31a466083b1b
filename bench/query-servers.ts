/**
 * Child process of the query benchmark: fills a fresh database with order views, then serves
 * GET /orders/:id four ways, each on its own port. Env: MONGODB_URI, BENCH_DATABASE, BENCH_VIEWS.
 */
import express from 'express';
import { createHttpApp, listen, closeServer } from '@tributary/http';
import { createLogger } from '@tributary/logger';
import { createMetricsRegistry } from '@tributary/metrics';
import { evolveOrderView, orderViewsCollection, type OrderView } from '@tributary/order-views';
import { startQueryApi } from '@tributary/query-api';
import { loadQueryApiSettings } from '@tributary/query-api/settings';
import { openReadModel } from '@tributary/store';
import { MongoClient } from 'mongodb';
import type { Server } from 'node:http';
import { serveUntilTerminated } from './child.ts';
import { sampleOrder } from './sample-order.ts';

const mongoUri = process.env['MONGODB_URI'] ?? 'mongodb://127.0.0.1:27017';
const database = process.env['BENCH_DATABASE'] ?? 'bench_query';
const count = Number(process.env['BENCH_VIEWS'] ?? '1000');
const logger = createLogger({ service: 'bench-query', level: 'error', stream: process.stderr });

const client = new MongoClient(mongoUri, { appName: 'tributary-bench' });
await client.connect();
const db = client.db(database);
const collection = db.collection<Record<string, unknown> & { _id: string }>(orderViewsCollection);

// Stored as the projector stores them: the view, a version and the applied position.
const ids: string[] = [];
const documents = Array.from({ length: count }, (_, index) => {
  const payload = sampleOrder(index);
  ids.push(payload.orderId);
  const view = evolveOrderView(null, { topic: 'bench', partition: 0, offset: String(index), eventType: 'OrderPlaced', payload });
  return { ...view, _id: payload.orderId, _version: 1, _positions: [{ topic: 'bench', partition: 0, offset: String(index) }] };
});
for (let start = 0; start < documents.length; start += 500) await collection.insertMany(documents.slice(start, start + 500));
const constant = (await collection.findOne({ _id: ids[0] ?? '' }, { projection: { _id: 0, _version: 0, _positions: 0 } })) as OrderView | null;

const address = (server: Server): string => {
  const bound = server.address();
  return `http://127.0.0.1:${typeof bound === 'object' && bound ? bound.port : 0}`;
};

// 1. The query API itself.
const queryApi = await startQueryApi(loadQueryApiSettings({ MONGODB_URI: mongoUri, MONGODB_DATABASE: database, QUERY_API_PORT: '0', LOG_LEVEL: 'error' }), logger);

// 2. The same app (every Tributary middleware) answering a constant: the HTTP stack's own cost.
const constantApp = createHttpApp({
  logger,
  metrics: createMetricsRegistry('bench-constant'),
  readiness: {},
  routes(router) {
    router.get('/orders/:id', (_req, res) => {
      res.json(constant);
    });
  },
});
const constantServer = await listen(constantApp, 0, '127.0.0.1');

// 3. Our read model on bare express: the query API without its instrumentation.
const readModel = openReadModel<OrderView>(db, orderViewsCollection);
const uninstrumented = express();
uninstrumented.get('/orders/:id', (req, res, next) => {
  readModel.findById(req.params.id).then((view) => (view ? res.json(view) : res.status(404).end()), next);
});
const uninstrumentedServer = await listen(uninstrumented, 0, '127.0.0.1');

// 4. Bare express and the driver's findOne: no Tributary code at all.
const bare = express();
bare.get('/orders/:id', (req, res, next) => {
  collection.findOne({ _id: req.params.id }).then((doc) => (doc ? res.json(doc) : res.status(404).end()), next);
});
const bareServer = await listen(bare, 0, '127.0.0.1');

serveUntilTerminated(
  { ids, queryApi: queryApi.url, constant: address(constantServer), uninstrumented: address(uninstrumentedServer), bare: address(bareServer) },
  async () => {
    await Promise.all([queryApi.stop(), closeServer(constantServer), closeServer(uninstrumentedServer), closeServer(bareServer)]);
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  },
);
