import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compileErrors, validate } from '@readme/openapi-parser';
import { inventoryApi } from '@tributary/inventory-service/api';
import { stockRoutes } from '@tributary/inventory-service/routes';
import { closeServer, commandRateLimit, commonOperations, createHttpApp, documentedRoutes, listen, mountedRoutes, type ApiDescription, type HttpAppOptions } from '@tributary/http';
import { createLogger } from '@tributary/logger';
import { createMetricsRegistry } from '@tributary/metrics';
import { ordersApi } from '@tributary/orders-api/api';
import { orderRoutes } from '@tributary/orders-api/routes';
import { loadOrdersApiSettings } from '@tributary/orders-api/settings';
import { gatewayApi } from '@tributary/payment-gateway/api';
import { paymentRoutes } from '@tributary/payment-gateway/routes';
import { queryApi } from '@tributary/query-api/api';
import { queryRoutes } from '@tributary/query-api/routes';
import type { Express } from 'express';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * Each HTTP service's OpenAPI document, as it serves it, is valid OpenAPI 3.1, and names exactly
 * the routes express has mounted. The routes are built with stand-ins for their connections:
 * mounting a route touches none of them, so no backbone is needed.
 */
const logger = createLogger({ service: 'openapi-test', level: 'error' });
const unused = <T>(): T => ({}) as T;

const services: { name: string; api: ApiDescription; routes: () => HttpAppOptions['routes'] }[] = [
  {
    name: 'orders-api',
    api: ordersApi,
    routes: () => {
      const settings = loadOrdersApiSettings({});
      const limiter = commandRateLimit({ limit: settings.commandRateLimit, windowMs: settings.commandRateWindowMs });
      return orderRoutes({ producer: unused(), sagas: unused(), settings, limiter, logger, metrics: createMetricsRegistry('orders-api') });
    },
  },
  { name: 'query-api', api: queryApi, routes: () => queryRoutes({ orderViews: unused(), summaries: unused(), orderViewsExist: unused(), summariesExist: unused() }) },
  { name: 'inventory-service', api: inventoryApi, routes: () => stockRoutes(unused()) },
  { name: 'payment-gateway', api: gatewayApi, routes: () => paymentRoutes(unused(), logger, createMetricsRegistry('payment-gateway')) },
];

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => closeServer(server)));
});

const appOf = (api: ApiDescription, routes: HttpAppOptions['routes']): Express => createHttpApp({ logger, metrics: createMetricsRegistry('openapi-test'), readiness: {}, routes, api });

const servedDocument = async (app: Express): Promise<Record<string, unknown>> => {
  const server = await listen(app, 0, '127.0.0.1');
  servers.push(server);
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/openapi.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
};

describe.each(services)('the OpenAPI document of $name', ({ api, routes }) => {
  const app = appOf(api, routes());

  it('is served at GET /openapi.json and is valid OpenAPI 3.1', async () => {
    const document = await servedDocument(app);
    expect(document['openapi']).toMatch(/^3\.1\./);
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? '' : compileErrors(result)).toBe('');
  });

  it('documents exactly the routes express has mounted', () => {
    expect(documentedRoutes([...commonOperations, ...api.operations])).toEqual(mountedRoutes(app));
  });
});

describe('the route comparison', () => {
  it('tells a route without a description from a described route that is not mounted', () => {
    const app = appOf({ title: 't', version: '1', operations: [{ method: 'get', path: '/described', operationId: 'described', summary: 's', responses: {} }] }, (router) => {
      router.get('/mounted/:id', (_req, res) => {
        res.end();
      });
    });
    const documented = documentedRoutes([...commonOperations, { method: 'get', path: '/described', operationId: 'described', summary: 's', responses: {} }]);
    expect(documented.filter((route) => !mountedRoutes(app).includes(route))).toEqual(['GET /described']);
    expect(mountedRoutes(app).filter((route) => !documented.includes(route))).toEqual(['GET /mounted/:id']);
  });
});
