import { setTimeout as sleep } from 'node:timers/promises';
import { loadOrdersServiceSettings } from '@tributary/orders-service/settings';
import { uniqueName } from '../support.ts';
import { flowApps, type Flow, type FlowApp } from './flow.ts';
import { checkInvariants, type Verdict } from './invariants.ts';
import { driveOrders, type Catalogue, type LoadOutcome } from './load.ts';
import { duringFault, type FaultWindow } from './latency.ts';
import { settleOrders } from './read-model.ts';
import type { ScenarioResult } from './results.ts';

export interface ScenarioOptions {
  name: string;
  /** Starts once the orders are flowing; resolves when the fault is over and everything is restored. */
  fault: (flow: Flow) => Promise<void>;
  ratePerSecond?: number;
  /** How long orders are placed; the fault should end before this does. */
  loadMs?: number;
  /** Orders placed before the fault starts. */
  faultAfterMs?: number;
  /**
   * How long past the saga deadline, counted from the end of the fault (or of the load, if later),
   * every accepted order gets to be final; one that is not is stuck. Covers the flow's recovery
   * from the fault: reconnects, rejoining consumer groups, retries.
   */
  marginMs?: number;
  /** Every fourth order is in this currency instead of EUR (see Catalogue.otherCurrency). */
  otherCurrency?: string;
}

export interface ScenarioRun {
  result: ScenarioResult;
  verdict: Verdict;
  load: LoadOutcome;
  /** The orders placed while the fault lasted. */
  during: FaultWindow;
  /** The warnings, errors and consumer-group changes every service logged during the scenario, one JSON line each. */
  logs: string;
}

const loggedSince = (flow: Flow, marks: ReadonlyMap<FlowApp, number>): string =>
  flowApps
    .flatMap((app) => flow.output(app).slice(marks.get(app) ?? 0).split('\n').filter((line) => /"level":"(warn|error)"|"message":"(resumed partition|joined consumer group|partition moving again|started)"/.test(line)))
    .join('\n');

const plentifulStock = 100_000;
const scarceStock = 3;

const setStock = async (flow: Flow, sku: string, quantity: number): Promise<void> => {
  const res = await fetch(`${flow.url('inventory-service')}/stock/${sku}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quantity }) });
  if (res.status >= 300) throw new Error(`setting the stock of ${sku} answered ${res.status}: ${await res.text()}`);
};

const mergeLoads = (first: LoadOutcome, second: LoadOutcome): LoadOutcome => ({
  sent: first.sent + second.sent,
  accepted: [...first.accepted, ...second.accepted],
  refused: first.refused + second.refused,
  ambiguous: first.ambiguous + second.ambiguous,
  failures: new Map([...first.failures, ...[...second.failures].map(([answer, times]) => [answer, times + (first.failures.get(answer) ?? 0)] as const)]),
  answers: [...first.answers, ...second.answers],
});

/** The deadline orders-service runs with: the flow's ORDER_DEADLINE_MS, or the service's default. */
const deadlineOf = (flow: Flow): number => loadOrdersServiceSettings(flow.env).orderDeadlineMs;

const defaultMarginMs = 30_000;

const describeFailures = (failures: ReadonlyMap<string, number>): string => [...failures].map(([answer, times]) => `${answer} ×${times}`).join(', ');

/**
 * Places orders through the whole flow, makes the fault happen meanwhile, and checks every
 * invariant once it is over. Each scenario has its own customers and SKUs, so scenarios sharing
 * one flow never count each other's orders.
 */
export const runScenario = async (flow: Flow, options: ScenarioOptions): Promise<ScenarioRun> => {
  const tag = uniqueName(options.name.toUpperCase().replace(/[^A-Z0-9]+/g, '-').slice(0, 20));
  const catalogue: Catalogue = {
    customers: [0, 1, 2, 3].map((n) => `customer-${tag}-${n}`),
    plentiful: [0, 1, 2].map((n) => `${tag}-SKU-${n}`),
    scarce: `${tag}-SCARCE`,
    priceyUnitPrice: '150.00',
    unitPrice: '2.50',
    ...(options.otherCurrency === undefined ? {} : { otherCurrency: options.otherCurrency }),
  };
  const stockBefore = new Map<string, number>([...catalogue.plentiful.map((sku) => [sku, plentifulStock] as const), [catalogue.scarce, scarceStock]]);
  for (const [sku, quantity] of stockBefore) await setStock(flow, sku, quantity);

  // A few orders of every kind first (confirmed, short of stock, declined), seen to the end, so every
  // service has cached every schema and the flow is known healthy before the fault.
  const warmUp = await driveOrders({ ordersApiUrl: () => flow.url('orders-api'), catalogue, ratePerSecond: 7, durationMs: 1_000 });
  await settleOrders(flow, warmUp.accepted.map((order) => order.orderId), 60_000);

  const marks = new Map(flowApps.map((app) => [app, flow.output(app).length]));
  const loadMs = options.loadMs ?? 25_000;
  const loading = driveOrders({ ordersApiUrl: () => flow.url('orders-api'), catalogue, ratePerSecond: options.ratePerSecond ?? 5, durationMs: loadMs });
  await sleep(options.faultAfterMs ?? 3_000);
  const faultStartedAt = Date.now();
  await options.fault(flow);
  const faultEndedAt = Date.now();
  const load = mergeLoads(warmUp, await loading);
  const verdict = await checkInvariants(flow, load, { catalogue, stockBefore, faultEndedAt, deadlineMs: deadlineOf(flow), marginMs: options.marginMs ?? defaultMarginMs });
  const during = duringFault(load.answers, faultStartedAt, faultEndedAt);
  return {
    load,
    verdict,
    during,
    logs: loggedSince(flow, marks),
    result: {
      scenario: options.name,
      sent: load.sent,
      accepted: load.accepted.length,
      final: verdict.final,
      lost: verdict.lost.length,
      stuck: verdict.stuck.length,
      duplicated: verdict.duplicated.length,
      recoverySeconds: verdict.recoveredInMs / 1000,
      notes: describeFailures(load.failures),
      unavailable: load.answers.filter((answer) => answer.status === 503).length,
      p99DuringFaultMs: during.p99Ms,
    },
  };
};
