import type { ApiDescription } from '@tributary/http';
import { z } from 'zod';
import { setStockBody, skuParams } from './stock-routes.ts';

const stockAnswer = z.strictObject({ sku: z.string(), available: z.number().int().min(0).meta({ description: 'Units free to reserve' }) });

/** inventory-service's stock admin, from the schemas its routes validate with (served at GET /openapi.json). */
export const inventoryApi: ApiDescription = {
  title: 'Tributary inventory-service',
  version: '0.1.0',
  description: "Stock levels: the units of each SKU free to reserve. Reservations are made from the orders topic, not here.",
  operations: [
    {
      method: 'put',
      path: '/stock/:sku',
      operationId: 'setStock',
      summary: 'Set the units of a SKU free to reserve; units orders hold stay held',
      params: skuParams,
      body: setStockBody,
      responses: { 200: { description: 'The level now', body: stockAnswer } },
      errors: [400, 413, 503],
    },
    {
      method: 'get',
      path: '/stock/:sku',
      operationId: 'getStock',
      summary: 'The units of a SKU free to reserve (0 for a SKU never set)',
      params: skuParams,
      responses: { 200: { description: 'The level now', body: stockAnswer } },
      errors: [400, 503],
    },
  ],
};
