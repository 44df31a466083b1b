// POST /orders at a constant arrival rate: how fast the orders API accepts commands.
import { check } from 'k6';
import { constantRate, summaryTrendStats, customerOf, limits, placeOrder, profile } from '../k6/common.js';

export { handleSummary } from '../k6/common.js';

const load = profile({ smoke: { rate: 10, duration: '10s', vus: 10 }, full: { rate: 200, duration: '2m', vus: 50 } });
const customerId = customerOf('commands');

export const options = {
  summaryTrendStats,
  scenarios: { commands: constantRate(load) },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: limits(['p(95)<250', 'p(99)<500'], ['p(95)<1000', 'p(99)<2000']),
    checks: ['rate>0.99'],
  },
};

export default function () {
  check(placeOrder(customerId), { 'order accepted (202)': (orderId) => orderId !== undefined });
}
