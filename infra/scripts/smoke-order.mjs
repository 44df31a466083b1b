// Smoke test of a running stack (the compose file, or a cluster behind port-forwards): places one
// order for a SKU with stock and waits until the saga has confirmed it in the read model; with
// PROMETHEUS_URL, also checks that Prometheus scrapes every service of the tributary job.
//
//   node infra/scripts/smoke-order.mjs
//
// Environment (defaults: the compose stack's published ports):
//   ORDERS_API_URL   http://127.0.0.1:3000       QUERY_API_URL   http://127.0.0.1:3001
//   SMOKE_SKU        SKU-1 (seeded by the setup job)
//   SMOKE_TIMEOUT_SECONDS  how long the order may take to be confirmed (120)
//   PROMETHEUS_URL   e.g. http://127.0.0.1:9090 (unset: no scrape check)
//   SCHEMA_REGISTRY_URL  e.g. http://127.0.0.1:8081: first check the setup job registered every
//                    version under schemas/avro (unset: no registry check)
//   SMOKE_SERVICES   services Prometheus must see up (default: the seven of the compose stack)
// Plain Node.js 20, no dependencies. Exit code 0 when every check passes.
import { readdirSync, readFileSync } from 'node:fs';

const env = process.env;
const ordersApi = env.ORDERS_API_URL ?? 'http://127.0.0.1:3000';
const queryApi = env.QUERY_API_URL ?? 'http://127.0.0.1:3001';
const sku = env.SMOKE_SKU ?? 'SKU-1';
const timeoutMs = Number(env.SMOKE_TIMEOUT_SECONDS ?? '120') * 1_000;
const services = (env.SMOKE_SERVICES ?? 'orders-api,query-api,order-projector,inventory-service,payments-service,orders-service,payment-gateway')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

const log = (message) => console.log(`smoke: ${message}`);
const fail = (message) => {
  console.error(`smoke: FAILED: ${message}`);
  process.exit(1);
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** fetch that answers a network error as status 0, so polling loops can keep going. */
const request = async (url, init) => {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: response.status, body };
  } catch (error) {
    return { status: 0, body: error instanceof Error ? error.message : String(error) };
  }
};

// Final statuses of the order view (libs/order-views): only CONFIRMED passes.
const final = new Set(['CONFIRMED', 'REJECTED', 'CANCELLED']);

const placeOrder = async () => {
  const order = { customerId: `smoke-${Date.now()}`, currency: 'EUR', items: [{ sku, quantity: 1, unitPrice: '1.00' }] };
  const placed = await request(`${ordersApi}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) });
  if (placed.status !== 202) fail(`POST ${ordersApi}/orders answered ${placed.status}: ${JSON.stringify(placed.body)}`);
  const orderId = placed.body?.orderId;
  if (typeof orderId !== 'string') fail(`POST /orders answered no orderId: ${JSON.stringify(placed.body)}`);
  log(`placed order ${orderId} for 1 x ${sku}`);

  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await request(`${queryApi}/orders/${encodeURIComponent(orderId)}`);
    if (last.status === 200 && final.has(last.body?.status)) break;
    await sleep(1_000);
  }
  if (last?.status !== 200) fail(`GET ${queryApi}/orders/${orderId}: ${last?.status} ${JSON.stringify(last?.body)} after ${timeoutMs / 1_000}s`);
  if (last.body.status !== 'CONFIRMED') fail(`order ${orderId} is ${last.body.status}, not CONFIRMED: ${JSON.stringify(last.body)}`);
  log(`order ${orderId} CONFIRMED`);
};

const checkScrapes = async (prometheus) => {
  // Targets report their health only after a first scrape: give them a few intervals.
  const deadline = Date.now() + 60_000;
  let down = services;
  while (Date.now() < deadline) {
    const answer = await request(`${prometheus}/api/v1/targets?state=active`);
    const targets = answer.status === 200 ? (answer.body?.data?.activeTargets ?? []) : [];
    const up = new Set(targets.filter((t) => t.labels?.job === 'tributary' && t.health === 'up').map((t) => t.labels?.instance?.split(':')[0]));
    down = services.filter((service) => !up.has(service));
    if (down.length === 0) break;
    await sleep(2_000);
  }
  if (down.length > 0) fail(`Prometheus (${prometheus}) does not scrape: ${down.join(', ')}`);
  log(`Prometheus scrapes ${services.join(', ')}`);
};

/**
 * Every event type under schemas/avro has a subject <stream>-<namespace>.<name> holding at least as
 * many versions as there are files. Checked before the first order: events a confirmed order never
 * produces (OrderCancelled, PaymentDeclined, ...) are registered only by the setup job.
 */
const checkSchemas = async (registry) => {
  const dir = new URL('../../schemas/avro/', import.meta.url);
  const wanted = new Map();
  for (const stream of readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    for (const file of readdirSync(new URL(`${stream.name}/`, dir)).filter((name) => name.endsWith('.avsc'))) {
      const schema = JSON.parse(readFileSync(new URL(`${stream.name}/${file}`, dir), 'utf8'));
      const subject = `${stream.name}-${schema.namespace}.${schema.name}`;
      wanted.set(subject, (wanted.get(subject) ?? 0) + 1);
    }
  }
  const missing = [];
  for (const [subject, count] of wanted) {
    const answer = await request(`${registry}/subjects/${encodeURIComponent(subject)}/versions`);
    const versions = Array.isArray(answer.body) ? answer.body.length : 0;
    if (versions < count) missing.push(`${subject} (${versions} of ${count} versions)`);
  }
  if (missing.length > 0) fail(`the registry (${registry}) lacks: ${missing.join(', ')}`);
  log(`the registry holds every schema version: ${wanted.size} subjects`);
};

if (env.SCHEMA_REGISTRY_URL) await checkSchemas(env.SCHEMA_REGISTRY_URL);
await placeOrder();
if (env.PROMETHEUS_URL) await checkScrapes(env.PROMETHEUS_URL);
