import type { ApiDescription } from '@tributary/http';
import { customerOrdersQuery, customerPath, noQuery, orderPath, ordersByStatusQuery } from './inputs.ts';
import { customerOrdersBody, customerSummaryBody, ordersByStatusBody, orderViewBody } from './responses.ts';

/** query-api's operations, from the schemas its routes validate with (served at GET /openapi.json). */
export const queryApi: ApiDescription = {
  title: 'Tributary query-api',
  version: '0.1.0',
  description: 'Reads of the read models the order projector keeps. A missing read model answers 503 READ_MODEL_MISSING, never an empty answer.',
  operations: [
    {
      method: 'get',
      path: '/orders',
      operationId: 'listOrdersByStatus',
      summary: 'Orders of a status (or every open one), newest first, a page at a time',
      query: ordersByStatusQuery,
      responses: { 200: { description: 'One page of order views', body: ordersByStatusBody } },
      errors: [400, 503],
    },
    {
      method: 'get',
      path: '/orders/:id',
      operationId: 'getOrder',
      summary: 'An order view with its status timeline',
      params: orderPath,
      query: noQuery,
      responses: { 200: { description: 'The order view', body: orderViewBody } },
      errors: [400, 404, 503],
    },
    {
      method: 'get',
      path: '/customers/:id',
      operationId: 'getCustomerSummary',
      summary: "A customer's order count and totals per status and currency",
      params: customerPath,
      query: noQuery,
      responses: { 200: { description: 'The customer summary', body: customerSummaryBody } },
      errors: [400, 404, 503],
    },
    {
      method: 'get',
      path: '/customers/:id/orders',
      operationId: 'listCustomerOrders',
      summary: "A customer's orders, newest first, a page at a time",
      params: customerPath,
      query: customerOrdersQuery,
      responses: { 200: { description: 'One page of order views', body: customerOrdersBody } },
      errors: [400, 503],
    },
  ],
};
