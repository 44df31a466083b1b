// Writes infra/compose/grafana/dashboards/tributary.json, the Grafana dashboard of the compose
// stack, from the panel list below. Edit here and run `node infra/scripts/build-dashboard.mjs`;
// `node infra/scripts/build-dashboard.mjs --check` fails when the JSON file is out of date, queries
// a metric no service defines or one `owners` below does not place; `--metrics` prints the metric
// names it queries as JSON, with the service expected to export each (for the dashboard test).
//
// Metric sources: http_* from every HTTP service (libs/http), orders_accepted_total and
// producer_send_records (orders-api),
// consumer_* from every consumer (libs/kafka consumer-metrics.ts), projector_events_*
// (order-projector), inventory_reservations_total (inventory-service), breaker_* (libs/resilience,
// on payments-service's gateway breaker) and payments_outcomes_total (payments-service),
// saga_decisions_total (orders-service), process/nodejs defaults (prom-client), and
// kafka_consumergroup_lag from the kafka-exporter container, next to the consumers' own consumer_lag;
// the service levels recorded by infra/prometheus/rules/tributary.rules.yml (names with colons,
// which --check finds there) and Prometheus's ALERTS series of the alerts it fires.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const target = fileURLToPath(new URL('../compose/grafana/dashboards/tributary.json', import.meta.url));
const ds = { type: 'prometheus', uid: 'prometheus' };
const sel = 'service=~"$service"';
const probes = 'route!~"/healthz|/readyz|/metrics"';

let nextId = 1;
let y = 0;
const panels = [];
const row = (title) => {
  panels.push({ type: 'row', id: nextId++, title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
  y += 1;
};
/** A row of panels of equal width. */
const line = (height, ...items) => {
  const width = Math.floor(24 / items.length);
  items.forEach((item, index) => panels.push({ ...item, id: nextId++, gridPos: { h: height, w: width, x: index * width, y } }));
  y += height;
};
const targets = (queries) => queries.map(([expr, legendFormat], index) => ({ datasource: ds, refId: String.fromCharCode(65 + index), expr, legendFormat }));
const timeseries = (title, unit, queries, description) => ({
  type: 'timeseries',
  title,
  description,
  datasource: ds,
  fieldConfig: { defaults: { unit, min: 0, custom: { lineWidth: 1, fillOpacity: 10, showPoints: 'never' } }, overrides: [] },
  options: { legend: { displayMode: 'table', placement: 'bottom', calcs: ['lastNotNull', 'max'] }, tooltip: { mode: 'multi', sort: 'desc' } },
  targets: targets(queries),
});
const ok = [{ color: 'green', value: null }];
/** Green at 0, red from 1: for counts of things that should not be. */
const alarm = [{ color: 'green', value: null }, { color: 'red', value: 1 }];
const stat = (title, unit, expr, description, steps = ok) => ({
  type: 'stat',
  title,
  description,
  datasource: ds,
  fieldConfig: { defaults: { unit, thresholds: { mode: 'absolute', steps } }, overrides: [] },
  options: { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'area', textMode: 'auto' },
  targets: targets([[expr, '']]),
});
/** One row per series, coloured by a state its value names (values: [[value, text, color]...]). */
const stateTimeline = (title, queries, values, description) => ({
  type: 'state-timeline',
  title,
  description,
  datasource: ds,
  fieldConfig: {
    defaults: {
      color: { mode: 'thresholds' },
      thresholds: { mode: 'absolute', steps: ok },
      mappings: [{ type: 'value', options: Object.fromEntries(values.map(([value, text, color], index) => [String(value), { text, color, index }])) }],
    },
    overrides: [],
  },
  options: { mergeValues: true, showValue: 'auto', alignValue: 'left', rowHeight: 0.9, legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'single', sort: 'none' } },
  targets: targets(queries),
});
const quantile = (q) => [
  `histogram_quantile(${q}, sum by (service, le) (rate(http_request_duration_seconds_bucket{${sel}, ${probes}}[$__rate_interval])))`,
  `{{service}} p${Math.round(q * 100)}`,
];

const consumerQuantile = (q) => [
  `histogram_quantile(${q}, sum by (group, le) (rate(consumer_processing_latency_seconds_bucket{${sel}}[$__rate_interval])))`,
  `{{group}} p${Math.round(q * 100)}`,
];

row('Overview');
line(
  4,
  stat('Services up', 'none', 'sum(up{job="tributary"})', 'Scrape targets of the tributary job answering /metrics'),
  stat('Orders accepted / s', 'reqps', 'sum(rate(orders_accepted_total[$__rate_interval]))'),
  stat('Records processed / s', 'ops', 'sum(rate(consumer_records_processed_total[$__rate_interval]))'),
  stat('Consumer lag (records)', 'none', 'sum(consumer_lag)', 'All groups, all partitions, as the consumers report it'),
  stat('Dead-lettered (1h)', 'none', 'sum(increase(consumer_dead_lettered_total[1h]))'),
  stat('Stalled partitions', 'none', 'sum(consumer_partition_stalled)', 'Partitions with lag whose committed offset has not moved for the stall time'),
  stat('Breakers open', 'none', 'sum(breaker_state == bool 2)', 'Circuit breakers open now, one per breaker and pod (payments-service: the payment gateway)', alarm),
  stat('Stock rejections (1h)', 'none', 'sum(increase(inventory_reservations_total{outcome="rejected"}[1h]))', 'Orders inventory-service rejected because some line was short of stock'),
);

row('Service levels and alerts');
line(
  8,
  timeseries('Service levels (p99)', 's', [
    ['tributary:read_model_freshness_seconds:p99', 'read-model freshness (append to projected)'],
    ['tributary:query_duration_seconds:p99', 'queries (query-api)'],
    ['tributary:command_duration_seconds:p99', 'commands (orders-api)'],
  ], 'Recording rules of infra/prometheus/rules/tributary.rules.yml, over 5 minutes: how far the read models lag behind the events, how long query-api reads and orders-api commands take'),
  stateTimeline('Firing alerts', [
    ['max by (alertname, severity) (ALERTS{alertstate="firing"})', '{{alertname}} ({{severity}})'],
  ], [[1, 'firing', 'red']], 'Alerts Prometheus fires from infra/prometheus/rules/tributary.rules.yml; Alertmanager (http://localhost:9093) groups and routes them, docs/runbooks.md says what to do about each'),
);
line(
  4,
  stat('Alerts firing', 'none', 'count(ALERTS{alertstate="firing"}) or vector(0)', 'Alerts firing now, all severities', alarm),
  stat('Critical alerts firing', 'none', 'count(ALERTS{alertstate="firing", severity="critical"}) or vector(0)', 'Orders stop or wait: act now (docs/runbooks.md)', alarm),
  stat('Freshness p99', 's', 'tributary:read_model_freshness_seconds:p99', 'From an event\'s append to Kafka to its place in the read model'),
  stat('Query p99', 's', 'tributary:query_duration_seconds:p99'),
  stat('Command p99', 's', 'tributary:command_duration_seconds:p99'),
  stat('Settings reloads refused', 'none', 'sum(config_last_reload_successful == bool 0)', 'Instances whose last settings-file change was refused (TRIBUTARY_CONFIG_FILE)', alarm),
);

row('Consumers');
line(
  8,
  timeseries('Throughput', 'ops', [
    [`sum by (service) (rate(orders_accepted_total{${sel}}[$__rate_interval]))`, '{{service}} orders accepted'],
    [`sum by (service, group, topic) (rate(consumer_records_processed_total{${sel}}[$__rate_interval]))`, '{{group}} processed from {{topic}}'],
    [`sum by (service, projection) (rate(projector_events_applied_total{${sel}}[$__rate_interval]))`, '{{service}} applied to {{projection}}'],
    [`sum by (service, projection) (rate(projector_events_duplicate_total{${sel}}[$__rate_interval]))`, '{{service}} duplicates in {{projection}}'],
  ], 'Events produced, processed and applied per second'),
  timeseries('Consumer lag per group', 'none', [
    [`sum by (group, topic) (consumer_lag{${sel}})`, '{{group}} on {{topic}}'],
    ['sum by (consumergroup, topic) (kafka_consumergroup_lag)', '{{consumergroup}} on {{topic}} (kafka-exporter)'],
  ], 'Records between the committed offset and the end of the log: as the consumers report it (consumer_lag) and as the kafka-exporter container sees it'),
  timeseries('Processing latency', 's', [
    consumerQuantile(0.5), consumerQuantile(0.95), consumerQuantile(0.99),
  ], "From a record's append to Kafka to its commit by the group (consumer_processing_latency_seconds)"),
);
line(
  8,
  timeseries('Consumer errors by code', 'ops', [
    [`sum by (group, code) (rate(consumer_errors_total{${sel}}[$__rate_interval]))`, '{{group}} {{code}}'],
  ], 'Failures while handling records, by error code (libs/errors/src/codes.ts)'),
  timeseries('Dead-lettered and skipped records', 'none', [
    [`sum by (group, topic, code) (increase(consumer_dead_lettered_total{${sel}}[$__rate_interval]))`, 'dead-lettered {{group}} {{topic}} {{code}}'],
    [`sum by (group, topic, code) (increase(consumer_records_skipped_total{${sel}}[$__rate_interval]))`, 'skipped {{group}} {{topic}} {{code}}'],
  ], 'Records parked in <topic>.dlq, and records skipped as not applicable'),
  timeseries('Partitions paused, stalled; rebalances', 'none', [
    [`sum by (group) (consumer_paused_partitions{${sel}})`, '{{group}} paused'],
    [`sum by (group) (consumer_partition_stalled{${sel}})`, '{{group}} stalled'],
    [`sum by (group) (increase(consumer_rebalances_total{${sel}}[$__rate_interval]))`, '{{group}} rebalances'],
  ], 'Paused while a dependency is unavailable; stalled when lag does not move'),
);

row('Order saga');
line(
  8,
  timeseries('Saga steps', 'ops', [
    [`sum by (outcome) (rate(inventory_reservations_total{${sel}}[$__rate_interval]))`, 'stock {{outcome}}'],
    [`sum by (outcome) (rate(payments_outcomes_total{${sel}}[$__rate_interval]))`, 'payment {{outcome}}'],
    [`sum by (outcome) (rate(saga_decisions_total{${sel}}[$__rate_interval]))`, 'order {{outcome}}'],
  ], 'Orders through each step per second: stock reserved or rejected (inventory-service), payment authorized or declined (payments-service), order confirmed or rejected (orders-service)'),
  stateTimeline('Circuit breakers', [
    [`max by (service, breaker) (breaker_state{${sel}})`, '{{service}} {{breaker}}'],
  ], [[0, 'closed', 'green'], [1, 'half-open', 'yellow'], [2, 'open', 'red']], 'breaker_state: closed, half-open (one probe call let through) or open (calls rejected, the consumer paused); the worst pod of each service'),
  timeseries('Breaker calls by outcome', 'ops', [
    [`sum by (service, breaker, outcome) (rate(breaker_calls_total{${sel}}[$__rate_interval]))`, '{{breaker}} {{outcome}}'],
  ], 'success; failure and timeout count against the breaker; rejected: short-circuited while open; ignored: a failure that says nothing about the dependency (a declined payment)'),
);
line(
  8,
  timeseries('Breaker time open', 's', [
    [`sum by (service, breaker) (increase(breaker_open_seconds_total{${sel}}[$__rate_interval]))`, '{{service}} {{breaker}}'],
  ], 'Seconds spent open, all pods together; an open spell is counted when the breaker leaves the open state'),
  timeseries('Saga consumers: lag and paused partitions', 'none', [
    [`sum by (group) (consumer_lag{${sel}, service=~"inventory-service|payments-service|orders-service"})`, '{{group}} lag'],
    [`sum by (group) (consumer_paused_partitions{${sel}, service=~"inventory-service|payments-service|orders-service"})`, '{{group}} paused'],
  ], 'The saga\'s consumer groups; payments-service pauses its partitions while the gateway breaker is open'),
);

row('HTTP');
line(
  8,
  timeseries('Request rate by route', 'reqps', [
    [`sum by (service, method, route) (rate(http_requests_total{${sel}, ${probes}}[$__rate_interval]))`, '{{service}} {{method}} {{route}}'],
  ], 'Probes (/healthz, /readyz, /metrics) left out'),
  timeseries('Latency percentiles', 's', [quantile(0.5), quantile(0.95), quantile(0.99)], 'From http_request_duration_seconds, probes left out'),
  timeseries('Errors by status', 'reqps', [
    [`sum by (service, status) (rate(http_requests_total{${sel}, status=~"[45].."}[$__rate_interval]))`, '{{service}} {{status}}'],
  ], 'HTTP answers with status 4xx and 5xx; the JSON error code is in the logs'),
  timeseries('Orders per produce request', 'none', [
    [`sum by (service) (rate(producer_send_records_sum{${sel}}[$__rate_interval])) / sum by (service) (rate(producer_send_records_count{${sel}}[$__rate_interval]))`, '{{service}} mean'],
  ], 'orders-api sends the orders that arrive while a produce request is in flight together in the next one: near 1 when quiet, more under load'),
);

row('Runtime');
line(
  8,
  timeseries('CPU', 'percentunit', [[`sum by (service) (rate(process_cpu_seconds_total{${sel}}[$__rate_interval]))`, '{{service}}']]),
  timeseries('Resident memory', 'bytes', [[`sum by (service) (process_resident_memory_bytes{${sel}})`, '{{service}}']]),
  timeseries('Event loop lag p99', 's', [[`max by (service) (nodejs_eventloop_lag_p99_seconds{${sel}})`, '{{service}}']]),
);

const dashboard = {
  uid: 'tributary-overview',
  title: 'Tributary',
  description: 'Per service: throughput, consumer lag, processing latency, errors by code, dead-lettered and skipped records, HTTP rate, latency and errors, runtime',
  tags: ['tributary'],
  timezone: 'browser',
  editable: false,
  refresh: '10s',
  schemaVersion: 41,
  version: 1,
  time: { from: 'now-30m', to: 'now' },
  annotations: { list: [] },
  templating: {
    list: [
      {
        name: 'service',
        label: 'Service',
        type: 'query',
        datasource: ds,
        query: { query: 'label_values(process_start_time_seconds, service)', refId: 'service' },
        definition: 'label_values(process_start_time_seconds, service)',
        refresh: 2,
        includeAll: true,
        multi: true,
        allValue: '.*',
        current: { selected: true, text: ['All'], value: ['$__all'] },
        sort: 1,
      },
    ],
  },
  panels,
};

/** Metric names the panels query, without histogram suffixes. */
const metricNames = () => {
  const expressions = panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
  expressions.push(dashboard.templating.list[0].definition);
  const words = new Set(['sum', 'rate', 'increase', 'max', 'count', 'or', 'vector', 'by', 'bool', 'histogram_quantile', 'label_values']);
  const names = new Set();
  for (const expr of expressions) {
    const bare = expr.replace(/\{[^}]*\}/g, '').replace(/\[[^\]]*\]/g, '').replace(/\bby \([^)]*\)/g, ' ').replace(/label_values\((\w+), \w+\)/g, '$1');
    for (const [word] of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
      if (!words.has(word)) names.add(word.replace(/_(bucket|sum|count)$/, ''));
    }
  }
  return [...names].sort();
};

/** Series Prometheus makes from the rules file: recorded service levels (level:metric:operation) and ALERTS. */
const fromRules = (name) => name.includes(':') || name === 'ALERTS';
const rulesFile = fileURLToPath(new URL('../prometheus/rules/tributary.rules.yml', import.meta.url));
const recordedMissing = (names) => {
  const rules = readFileSync(rulesFile, 'utf8');
  return names.filter((name) => name.includes(':') && !rules.includes(`record: ${name}\n`));
};

/** Names exported by others: Prometheus itself, the kafka-exporter container, prom-client's defaults. */
const external = (name) => name === 'up' || name.startsWith('kafka_') || name.startsWith('process_') || name.startsWith('nodejs_');

/**
 * Where each queried metric comes from, by name prefix: the first match wins. A service under
 * apps/ names one that exports it (an HTTP or consumer metric is on every such service; one is
 * enough); `prometheus` and `kafka-exporter` are not services; `any` is on every service. A panel
 * with a new metric needs its line here (--check fails otherwise), which tells the dashboard test
 * which services to start.
 */
const owners = [
  [/^up$/, 'prometheus'],
  [/^kafka_/, 'kafka-exporter'],
  [/^(process|nodejs)_/, 'any'],
  [/^config_/, 'any'],
  [/^http_/, 'orders-api'],
  [/^orders_/, 'orders-api'],
  [/^producer_/, 'orders-api'],
  [/^consumer_/, 'order-projector'],
  [/^projector_/, 'order-projector'],
  [/^inventory_/, 'inventory-service'],
  [/^(breaker|payments)_/, 'payments-service'],
  [/^saga_/, 'orders-service'],
];
const ownerOf = (name) => owners.find(([pattern]) => pattern.test(name))?.[1];

const sourceFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });

const text = `${JSON.stringify(dashboard, null, 2)}\n`;
if (process.argv.includes('--metrics')) {
  // For a test against a running service's /metrics: {"ours": [...], "external": [...],
  // "owners": {"<metric>": "<service under apps/ | any | prometheus | kafka-exporter>"}}.
  // "rules": what Prometheus records and fires from the rules file, on no service's /metrics.
  const all = metricNames();
  const names = all.filter((name) => !fromRules(name));
  const owned = Object.fromEntries(names.map((name) => [name, ownerOf(name) ?? null]));
  console.log(JSON.stringify({ ours: names.filter((n) => !external(n)), external: names.filter(external), rules: all.filter(fromRules), owners: owned }));
} else if (process.argv.includes('--check')) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const sources = ['apps', 'libs'].flatMap((dir) => sourceFiles(path.join(root, dir))).map((file) => readFileSync(file, 'utf8')).join('\n');
  const queried = metricNames();
  const names = queried.filter((name) => !fromRules(name));
  const missing = names.filter((name) => !external(name) && !sources.includes(`'${name}'`));
  if (missing.length > 0) {
    console.error(`the dashboard queries metrics no service defines: ${missing.join(', ')}`);
    process.exit(1);
  }
  const unrecorded = recordedMissing(queried);
  if (unrecorded.length > 0) {
    console.error(`the dashboard queries recorded series ${rulesFile} does not record: ${unrecorded.join(', ')}`);
    process.exit(1);
  }
  const apps = new Set(readdirSync(path.join(root, 'apps')));
  const unplaced = names.filter((name) => {
    const owner = ownerOf(name);
    return owner === undefined || !(['any', 'prometheus', 'kafka-exporter'].includes(owner) || apps.has(owner));
  });
  if (unplaced.length > 0) {
    console.error(`no line in owners (build-dashboard.mjs) names a service under apps/ exporting: ${unplaced.join(', ')}`);
    process.exit(1);
  }
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing counts as out of date
  }
  if (current !== text) {
    console.error(`${target} is out of date: run node infra/scripts/build-dashboard.mjs`);
    process.exit(1);
  }
  console.log(`${panels.length} panels; ${names.length} metric names, ${names.filter((n) => !external(n)).length} defined in apps/ and libs/: ${names.join(', ')}; from the rules: ${queried.filter(fromRules).join(', ')}`);
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target} (${panels.length} panels)`);
}
