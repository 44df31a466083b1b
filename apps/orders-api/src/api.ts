import type { ApiDescription } from '@tributary/http';
import { z } from 'zod';
import { cancelOrderCommand, orderIdParams } from './cancel-order.ts';
import { placeOrderCommand } from './place-order.ts';

const location = { Location: { description: 'Where query-api serves the order: /orders/<orderId>', schema: z.string() } };

/** orders-api's operations, from the schemas its routes validate with (served at GET /openapi.json). */
export const ordersApi: ApiDescription = {
  title: 'Tributary orders-api',
  version: '0.1.0',
  description: 'Commands for orders: each accepted command is published as an event on the orders topic, keyed by the order id.',
  operations: [
    {
      method: 'post',
      path: '/orders',
      operationId: 'placeOrder',
      summary: 'Place an order; answers once Kafka has its OrderPlaced',
      body: placeOrderCommand,
      responses: { 202: { description: 'Accepted: OrderPlaced is on the orders topic', headers: location, body: z.strictObject({ orderId: z.string() }) } },
      errors: [400, 413, 429, 503],
    },
    {
      method: 'post',
      path: '/orders/:id/cancel',
      operationId: 'cancelOrder',
      summary: 'Cancel an order that is not final yet',
      params: orderIdParams,
      body: cancelOrderCommand,
      bodyRequired: false,
      responses: { 202: { description: 'Accepted: OrderCancelled is on the orders topic', headers: location, body: z.strictObject({ orderId: z.string(), status: z.literal('CANCELLED') }) } },
      errors: [400, 404, 409, 413, 429, 503],
    },
  ],
};
