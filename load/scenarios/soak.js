// A low, steady rate for a long time (default one hour), placing orders and following a share of
// them to CONFIRMED: run it to watch memory, consumer lag and freshness trends on the dashboard.
// Not run in CI. npm run load -- --soak [--scenario soak]; LOAD_RATE and LOAD_DURATION override.
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Rate, Trend } from 'k6/metrics';
import { constantRate, summaryTrendStats, customerOf, limits, placeOrder, profile, queryApi } from '../k6/common.js';

export { handleSummary } from '../k6/common.js';

const load = profile({ smoke: { rate: 2, duration: '10s', vus: 5 }, soak: { rate: 20, duration: '1h', vus: 20 } });
const customerId = customerOf('soak');
const freshness = new Trend('freshness', true);
const confirmed = new Rate('confirmed');
const poll = { tags: { name: 'GET /orders/:id (poll)' }, responseCallback: http.expectedStatuses(200, 404) };

export const options = {
  summaryTrendStats,
  scenarios: { soak: constantRate(load) },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:POST /orders}': limits(['p(95)<250', 'p(99)<500'], ['p(95)<1000', 'p(99)<2000']),
    confirmed: ['rate>0.99'],
    freshness: limits(['p(95)<2000', 'p(99)<5000'], ['p(95)<10000', 'p(99)<20000']),
  },
};

export default function () {
  const orderId = placeOrder(customerId);
  if (!check(orderId, { 'order accepted (202)': (id) => id !== undefined })) return;
  // One order in ten is followed to the end; the rest only load the pipeline.
  if (Math.random() >= 0.1) return;
  const acceptedAt = Date.now();
  let status;
  while (Date.now() - acceptedAt < 30_000) {
    const res = http.get(`${queryApi}/orders/${orderId}`, poll);
    status = res.status === 200 ? res.json('status') : undefined;
    if (status === 'CONFIRMED' || status === 'REJECTED' || status === 'CANCELLED') break;
    sleep(0.1);
  }
  confirmed.add(status === 'CONFIRMED');
  if (status === 'CONFIRMED') freshness.add(Date.now() - acceptedAt);
}
