import { bodyErrors, parseInput, type HttpAppOptions } from '@tributary/http';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { maxStockQuantity, readStock, setStock, skuPattern, type ChangeStockOptions } from './stock.ts';

/** SKUs are plain strings of a known alphabet: nothing shaped like a query operator reaches the store. */
export const skuParams = z.object({ sku: z.string().regex(skuPattern, 'must be a SKU: 1 to 128 letters, digits, . _ : -') });

export const setStockBody = z.strictObject(
  {
    quantity: z
      .number({ error: 'quantity must be a number' })
      .int('quantity must be a whole number')
      .min(0, 'quantity must not be negative')
      .max(maxStockQuantity, `quantity must be at most ${maxStockQuantity}`),
  },
  { error: bodyErrors('body must be a JSON object such as {"quantity": 10}') },
);

/** The operator's door to stock levels: PUT sets the units free to reserve, GET reads them. */
export const stockRoutes =
  (db: Db, options: ChangeStockOptions = {}): HttpAppOptions['routes'] =>
  (router) => {
    router.put('/stock/:sku', async (req, res) => {
      const { sku } = parseInput(skuParams, req.params, 'Path');
      const { quantity } = parseInput(setStockBody, req.body);
      const { available } = await setStock(db, sku, quantity, options);
      res.json({ sku, available });
    });
    router.get('/stock/:sku', async (req, res) => {
      const { sku } = parseInput(skuParams, req.params, 'Path');
      res.json(await readStock(db, sku));
    });
  };
