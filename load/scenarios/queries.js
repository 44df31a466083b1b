// GET /orders/:id and GET /customers/:id/orders over a read model load/run.ts filled beforehand.
import http from 'k6/http';
import { check } from 'k6';
import { SharedArray } from 'k6/data';
import { constantRate, summaryTrendStats, limits, profile, queryApi } from '../k6/common.js';

export { handleSummary } from '../k6/common.js';

const load = profile({ smoke: { rate: 20, duration: '10s', vus: 10 }, full: { rate: 500, duration: '2m', vus: 50 } });
// open() works only here, in the init context; the file lists {orderId, customerId} pairs.
const prefilled = new SharedArray('orders', () => JSON.parse(open(__ENV.LOAD_ORDERS_FILE)));

export const options = {
  summaryTrendStats,
  scenarios: { queries: constantRate(load) },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:GET /orders/:id}': limits(['p(95)<100', 'p(99)<250'], ['p(95)<1000', 'p(99)<2000']),
    'http_req_duration{name:GET /customers/:id/orders}': limits(['p(95)<250', 'p(99)<500'], ['p(95)<1000', 'p(99)<2000']),
    checks: ['rate>0.99'],
  },
};

export default function () {
  const { orderId, customerId } = prefilled[Math.floor(Math.random() * prefilled.length)];
  const order = http.get(`${queryApi}/orders/${orderId}`, { tags: { name: 'GET /orders/:id' } });
  check(order, { 'order found': (res) => res.status === 200 && res.json('orderId') === orderId });
  const list = http.get(`${queryApi}/customers/${customerId}/orders?limit=20`, { tags: { name: 'GET /customers/:id/orders' } });
  check(list, { 'customer orders listed': (res) => res.status === 200 && res.json('orders').length > 0 });
}
