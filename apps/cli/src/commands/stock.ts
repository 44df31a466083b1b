import { backboneSettings, loadSettings } from '@tributary/config';
import { maxStockQuantity, readStock, setStock, skuPattern } from '@tributary/inventory-service/stock';
import { connectStore } from '@tributary/store';
import type { Db } from 'mongodb';
import type { Command, Io, LeafCommand } from '../command.ts';
import { usageError } from '../usage-error.ts';

const environmentHelp = [
  'Environment (the same settings as the inventory service):',
  '  MONGODB_URI            the store (default mongodb://127.0.0.1:27017)',
  '  MONGODB_DATABASE       database holding the stock (default tributary)',
  '  MONGODB_TIMEOUT_MS     how long to wait for a reachable store (default 5000)',
].join('\n');

/** Runs against the inventory service's own database, as its settings name it. */
const withStock = async <T>(io: Io, action: (db: Db) => Promise<T>): Promise<T> => {
  const { mongoUri, mongoDatabase, mongoTimeoutMs } = loadSettings(
    { mongoUri: backboneSettings.mongoUri, mongoDatabase: backboneSettings.mongoDatabase, mongoTimeoutMs: backboneSettings.mongoTimeoutMs },
    io.env,
  );
  const store = await connectStore({ uri: mongoUri, database: mongoDatabase, serverSelectionTimeoutMs: mongoTimeoutMs });
  try {
    return await action(store.db);
  } finally {
    await store.close();
  }
};

const parseSku = (text: string | undefined, usage: string): string => {
  if (text === undefined) throw usageError(`give a SKU: ${usage}`);
  if (!skuPattern.test(text)) throw usageError(`SKU ${JSON.stringify(text)} is invalid: use 1 to 128 letters, digits, . _ : -`);
  return text;
};

const parseQuantity = (text: string | undefined, usage: string): number => {
  if (text === undefined) throw usageError(`give a quantity: ${usage}`);
  const quantity = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
  if (!(quantity <= maxStockQuantity)) throw usageError(`quantity ${JSON.stringify(text)} is invalid: give a whole number from 0 to ${maxStockQuantity}`);
  return quantity;
};

const set: LeafCommand = {
  name: 'set',
  summary: 'set the units of a SKU free to reserve',
  usage: 'tributary stock set <sku> <quantity> [--json]',
  positionals: true,
  options: { json: { type: 'boolean' } },
  optionHelp: { json: 'print {"sku", "available", "previous"} as JSON' },
  details: `Units that orders hold stay held; the quantity is what new orders may take (0 to ${maxStockQuantity}). Writes the store directly, so the inventory service need not run.\n\n${environmentHelp}`,
  run: async ({ positionals, values, io }) => {
    const usage = set.usage;
    const [skuText, quantityText, ...extra] = positionals;
    if (extra.length > 0) throw usageError(`too many arguments: ${usage}`);
    const sku = parseSku(skuText, usage);
    const quantity = parseQuantity(quantityText, usage);
    const result = await withStock(io, (db) => setStock(db, sku, quantity));
    io.out(values['json'] === true ? JSON.stringify(result) : `${result.sku}: ${result.available} available (was ${result.previous})`);
    return 0;
  },
};

const get: LeafCommand = {
  name: 'get',
  summary: 'show the units of a SKU free to reserve',
  usage: 'tributary stock get <sku> [--json]',
  positionals: true,
  options: { json: { type: 'boolean' } },
  optionHelp: { json: 'print {"sku", "available"} as JSON' },
  details: `A SKU never set has 0 available.\n\n${environmentHelp}`,
  run: async ({ positionals, values, io }) => {
    const usage = get.usage;
    const [skuText, ...extra] = positionals;
    if (extra.length > 0) throw usageError(`too many arguments: ${usage}`);
    const sku = parseSku(skuText, usage);
    const result = await withStock(io, (db) => readStock(db, sku));
    io.out(values['json'] === true ? JSON.stringify(result) : `${result.sku}: ${result.available} available`);
    return 0;
  },
};

export const stockCommand: Command = {
  name: 'stock',
  summary: 'set and read stock levels of the inventory service',
  subcommands: [set, get],
};
