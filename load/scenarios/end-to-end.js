// Place an order, then poll the query API until the saga has confirmed it. "freshness" is the time
// from the 202 to the first read that shows CONFIRMED: what a user waits to see their order final.
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Rate, Trend } from 'k6/metrics';
import { constantRate, summaryTrendStats, customerOf, limits, placeOrder, profile, queryApi } from '../k6/common.js';

export { handleSummary } from '../k6/common.js';

const load = profile({ smoke: { rate: 1, duration: '10s', vus: 10 }, full: { rate: 50, duration: '2m', vus: 100 } });
const customerId = customerOf('end-to-end');
const freshness = new Trend('freshness', true);
const confirmed = new Rate('confirmed');
const pollEveryS = 0.05;
const giveUpAfterMs = 30_000;
// Before the projector has seen the order, the query API answers 404: expected, not an error.
const poll = { tags: { name: 'GET /orders/:id (poll)' }, responseCallback: http.expectedStatuses(200, 404) };

export const options = {
  summaryTrendStats,
  scenarios: { 'end-to-end': constantRate(load) },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    confirmed: ['rate>0.99'],
    freshness: limits(['p(95)<2000', 'p(99)<5000'], ['p(95)<10000', 'p(99)<20000']),
  },
};

export default function () {
  const orderId = placeOrder(customerId);
  if (!check(orderId, { 'order accepted (202)': (id) => id !== undefined })) return;
  const acceptedAt = Date.now();
  let status;
  while (Date.now() - acceptedAt < giveUpAfterMs) {
    const res = http.get(`${queryApi}/orders/${orderId}`, poll);
    status = res.status === 200 ? res.json('status') : undefined;
    if (status === 'CONFIRMED' || status === 'REJECTED' || status === 'CANCELLED') break;
    sleep(pollEveryS);
  }
  confirmed.add(status === 'CONFIRMED');
  if (status === 'CONFIRMED') freshness.add(Date.now() - acceptedAt);
}
