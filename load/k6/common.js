// Shared by every scenario. k6 runs these files in its own JavaScript runtime (not Node): only
// k6/* modules are available, and settings arrive as -e NAME=value (__ENV) from load/run.ts.
import http from 'k6/http';

export const ordersApi = __ENV.ORDERS_API_URL || 'http://127.0.0.1:3000';
export const queryApi = __ENV.QUERY_API_URL || 'http://127.0.0.1:3001';
/** smoke (short, small rate: CI and a quick check), full, or soak. */
export const mode = __ENV.LOAD_MODE || 'smoke';
export const runId = __ENV.LOAD_RUN_ID || 'manual';
/** The SKUs load/run.ts stocks before a run; orders for other SKUs would be rejected. */
export const skus = (__ENV.LOAD_SKUS || 'LOAD-SKU-1').split(',');

/**
 * Smoke runs share the machine with everything else (CI, a laptop): their latency limits are
 * looser, since they check that the flow works under load, not how fast it is.
 */
export const limits = (full, smoke) => (mode === 'smoke' ? smoke : full);

/** Picks the profile of the current mode; LOAD_RATE and LOAD_DURATION override it. */
export const profile = (profiles) => {
  const chosen = profiles[mode] || profiles.smoke;
  return {
    ...chosen,
    rate: __ENV.LOAD_RATE ? Number(__ENV.LOAD_RATE) : chosen.rate,
    duration: __ENV.LOAD_DURATION || chosen.duration,
  };
};

/** Percentiles every summary shows: thresholds are set on p(95) and p(99). */
export const summaryTrendStats = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];

export const constantRate = ({ rate, duration, vus }) => ({
  executor: 'constant-arrival-rate',
  rate,
  timeUnit: '1s',
  duration,
  preAllocatedVUs: vus,
  maxVUs: vus * 4,
});

const json = { headers: { 'content-type': 'application/json' } };

/** One customer per scenario and run, so the count check can list exactly this run's orders. */
export const customerOf = (scenario) => `load-${runId}-${scenario}`;

export const placeOrder = (customerId) => {
  const sku = skus[Math.floor(Math.random() * skus.length)];
  const body = JSON.stringify({ customerId, currency: 'EUR', items: [{ sku, quantity: 1, unitPrice: '9.99' }] });
  const res = http.post(`${ordersApi}/orders`, body, { ...json, tags: { name: 'POST /orders' } });
  if (res.status !== 202) return undefined;
  const orderId = res.json('orderId');
  // The count check reads these lines (k6 --console-output) to know every order that got a 202.
  console.log(`accepted ${orderId}`);
  return orderId;
};

const fixed = (value) => (typeof value === 'number' ? value.toFixed(2) : String(value));

/**
 * Writes k6's full summary as JSON to LOAD_SUMMARY_FILE and prints one line per metric that has a
 * threshold, with its figures and whether each threshold held.
 */
export const handleSummary = (data) => {
  const lines = [`scenario ${__ENV.LOAD_SCENARIO || '?'} (${mode})`];
  for (const [name, metric] of Object.entries(data.metrics)) {
    if (!metric.thresholds) continue;
    // A Rate's passes/fails count true/false values; its rate alone reads plainly.
    const values = metric.type === 'rate' ? { rate: metric.values.rate } : metric.values;
    const figures = Object.entries(values).map(([key, value]) => `${key}=${fixed(value)}`).join(' ');
    const verdicts = Object.entries(metric.thresholds).map(([rule, { ok }]) => `${ok ? 'ok' : 'FAILED'} ${rule}`).join(', ');
    lines.push(`  ${name.padEnd(28)} ${figures}   [${verdicts}]`);
  }
  const outputs = { stdout: `${lines.join('\n')}\n` };
  if (__ENV.LOAD_SUMMARY_FILE) outputs[__ENV.LOAD_SUMMARY_FILE] = JSON.stringify(data, null, 2);
  return outputs;
};
