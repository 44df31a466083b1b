import { runTributary } from '../support.ts';
import { flowApps, type Flow } from './flow.ts';
import type { Catalogue, LoadOutcome, OrderLine } from './load.ts';
import { countOutcomes, expectedCharges, failuresOverlooked, stuckAfter, type OrderView } from './outcomes.ts';
import { awaitFinal, customerOrders, getJson, readView, settle } from './read-model.ts';

interface CustomerSummary {
  orderCount: number;
  byStatus: Partial<Record<string, { count: number }>>;
}

export interface Verdict {
  /** Accepted orders seen in a final state. */
  final: number;
  /** Accepted orders never seen in the read model at all. */
  lost: string[];
  /** Accepted orders in the read model but not final once the saga deadline and the margin had passed, with the status they were left in. */
  stuck: { orderId: string; status: string }[];
  /** Orders with a step applied twice, listed twice for their customer, or charged twice. */
  duplicated: string[];
  /** How the final orders ended: status, and what rejected each rejected one (see outcomeOf). */
  outcomes: Record<string, number>;
  /** Orders rejected at their deadline well after a step had stated its failure (see failuresOverlooked). */
  failuresOverlooked: string[];
  /** From the end of the fault until every accepted order was final (or the time to be final was up). */
  recoveredInMs: number;
  /** Every other broken promise, in words. */
  violations: string[];
  /** Seconds each check waited, to tell slow recovery from slow checking. */
  phases: Record<string, number>;
}

export interface Expectations {
  catalogue: Catalogue;
  stockBefore: ReadonlyMap<string, number>;
  faultEndedAt: number;
  /** The saga deadline the flow runs with (ORDER_DEADLINE_MS). */
  deadlineMs: number;
  /** How long past the deadline, counted from the end of the fault or the load, every accepted order gets to be final. */
  marginMs: number;
}

/** Time for a step's failure to reach the saga: a rejection at the deadline later than this after it overlooked it. */
const failureSlackMs = 5_000;

const repeatedSteps = (view: OrderView): string[] => {
  const seen = new Set<string>();
  return view.timeline.map((entry) => entry.step).filter((step) => (seen.has(step) ? true : (seen.add(step), false)));
};

interface CustomerCheck {
  problems: string[];
  /** Orders in the read model that no client got a 202 for. */
  ghosts: string[];
}

/**
 * Each customer's orders and summary count each of its accepted orders once; orders beyond those
 * can only come from requests whose answer was lost (a 5xx or a cut connection after the write).
 */
const checkCustomers = async (flow: Flow, load: LoadOutcome, patienceMs: number): Promise<CustomerCheck> => {
  const ghosts: string[] = [];
  const byCustomer = new Map<string, string[]>();
  for (const order of load.accepted) byCustomer.set(order.customerId, [...(byCustomer.get(order.customerId) ?? []), order.orderId]);
  const problems = await settle(patienceMs, async () => {
    const found: string[] = [];
    ghosts.length = 0;
    for (const [customerId, orderIds] of byCustomer) {
      const listed = await customerOrders(flow, customerId);
      for (const orderId of orderIds) {
        const times = listed.filter((view) => view.orderId === orderId).length;
        if (times !== 1) found.push(`${customerId}: order ${orderId} listed ${times} times`);
      }
      ghosts.push(...listed.filter((view) => !orderIds.includes(view.orderId)).map((view) => view.orderId));
      const { body: summary } = await getJson<CustomerSummary>(`${flow.url('query-api')}/customers/${encodeURIComponent(customerId)}`);
      if (!summary) {
        found.push(`${customerId}: no summary`);
        continue;
      }
      if (summary.orderCount !== listed.length) found.push(`${customerId}: summary counts ${summary.orderCount} orders, ${listed.length} listed`);
      for (const status of new Set([...Object.keys(summary.byStatus), ...listed.map((view) => view.status)])) {
        const counted = summary.byStatus[status]?.count ?? 0;
        const seen = listed.filter((view) => view.status === status).length;
        if (counted !== seen) found.push(`${customerId}: summary counts ${counted} ${status} orders, ${seen} listed`);
      }
    }
    return found;
  });
  return { problems: problems.map(String), ghosts };
};

/**
 * Every SKU's stock is its starting level minus what the confirmed orders took: a rejected or
 * cancelled order's reservation was released, a confirmed one's kept exactly once.
 */
const checkStock = async (flow: Flow, expected: Expectations, confirmed: readonly OrderView[], patienceMs: number): Promise<string[]> => {
  const skus = [...expected.catalogue.plentiful, expected.catalogue.scarce];
  const takenBySku = new Map<string, number>();
  for (const view of confirmed) for (const line of view.items as OrderLine[]) takenBySku.set(line.sku, (takenBySku.get(line.sku) ?? 0) + line.quantity);
  const problems = await settle(patienceMs, async () => {
    const found: string[] = [];
    for (const sku of skus) {
      const { body } = await getJson<{ available: number }>(`${flow.url('inventory-service')}/stock/${encodeURIComponent(sku)}`);
      const want = (expected.stockBefore.get(sku) ?? 0) - (takenBySku.get(sku) ?? 0);
      if (body?.available !== want) found.push(`stock of ${sku} is ${body?.available} but confirmed orders leave ${want}`);
    }
    return found;
  });
  return problems.map(String);
};

/** The gateway charged every confirmed order as often as it should (zero totals never) and no key twice. */
const checkCharges = async (flow: Flow, confirmed: readonly OrderView[], duplicated: Set<string>): Promise<string[]> => {
  const { body: charges } = await getJson<{ keys: Record<string, number> }>(`${flow.gatewayUrl}/admin/charges`);
  const keys = charges?.keys ?? {};
  const problems: string[] = [];
  for (const view of confirmed) {
    const times = keys[view.orderId] ?? 0;
    if (times !== expectedCharges(view)) problems.push(`confirmed order ${view.orderId} (total ${view.total}) charged ${times} times, expected ${expectedCharges(view)}`);
  }
  for (const [key, times] of Object.entries(keys)) {
    if (times > 1) {
      duplicated.add(key);
      problems.push(`key ${key} charged ${times} times`);
    }
  }
  return problems;
};

const checkLag = async (flow: Flow, patienceMs: number): Promise<string[]> =>
  (
    await settle(patienceMs, async () => {
      const left: string[] = [];
      for (const group of flow.groups) {
        const { code, out, err } = await runTributary('lag', '--json', '--group', group);
        if (code !== 0) {
          left.push(`tributary lag --group ${group} failed: ${err.join(' ')}`);
          continue;
        }
        for (const entry of JSON.parse(out.join('\n')) as { groupId: string; totalLag: number }[]) if (entry.totalLag > 0) left.push(`${entry.groupId} lags by ${entry.totalLag}`);
      }
      return left;
    })
  ).map(String);

const checkReadiness = async (flow: Flow, patienceMs: number): Promise<string[]> =>
  (
    await settle(patienceMs, async () => {
      const answers = await Promise.all(flowApps.map(async (app) => ({ app, status: (await fetch(`${flow.url(app)}/readyz`).catch(() => undefined))?.status })));
      return answers.filter((answer) => answer.status !== 200).map((answer) => `${answer.app} /readyz answers ${answer.status ?? 'nothing'}`);
    })
  ).map(String);

/**
 * Waits for the flow to settle after a fault, then checks what the platform promises: every order
 * accepted with 202 is final exactly once by its deadline and the margin, customers' summaries list
 * their orders once, stock and charges agree with the confirmed orders, every consumer group has
 * caught up, every service is ready.
 */
export const checkInvariants = async (flow: Flow, load: LoadOutcome, expected: Expectations): Promise<Verdict> => {
  const violations: string[] = [];
  const phases: Record<string, number> = {};
  let phaseStart = Date.now();
  const phase = (name: string): void => {
    phases[name] = (Date.now() - phaseStart) / 1000;
    phaseStart = Date.now();
  };
  const duplicated = new Set<string>();

  const until = stuckAfter({ faultEndedAt: expected.faultEndedAt, loadEndedAt: Date.now(), deadlineMs: expected.deadlineMs, marginMs: expected.marginMs });
  const { finalViews: views, lost, stuck } = await awaitFinal(flow, load.accepted.map((order) => order.orderId), until);
  const recoveredInMs = Math.max(0, Date.now() - expected.faultEndedAt);
  phase('final');
  // With orders lost or stuck the verdict is already failed: the other checks get a short look, not a long wait.
  const patience = (ms: number): number => (lost.length + stuck.length > 0 ? Math.min(ms, 3_000) : ms);
  const outcomes = countOutcomes(views.values());
  const overlooked = failuresOverlooked(views.values(), failureSlackMs);

  for (const view of views.values()) if (repeatedSteps(view).length > 0) duplicated.add(view.orderId);

  const customers = await checkCustomers(flow, load, patience(30_000));
  violations.push(...customers.problems);
  for (const problem of customers.problems) {
    const match = /order (\S+) listed (\d+) times/.exec(problem);
    if (match && Number(match[2]) > 1) duplicated.add(match[1] as string);
  }
  if (customers.ghosts.length > load.ambiguous) violations.push(`${customers.ghosts.length} orders in the read model that no client was told about, but only ${load.ambiguous} unclear answers`);
  phase('customers');

  // Orders written despite an unclear answer take stock and get charged like any other.
  for (const orderId of customers.ghosts) {
    const view = await readView(flow, orderId);
    if (view) views.set(orderId, view);
  }
  const confirmed = [...views.values()].filter((view) => view.status === 'CONFIRMED');
  violations.push(...(await checkStock(flow, expected, confirmed, patience(30_000))));
  phase('stock');
  violations.push(...(await checkCharges(flow, confirmed, duplicated)));
  violations.push(...(await checkLag(flow, patience(60_000))));
  phase('lag');
  violations.push(...(await checkReadiness(flow, patience(30_000))));
  phase('readiness');

  return {
    final: load.accepted.length - lost.length - stuck.length,
    lost,
    stuck,
    duplicated: [...duplicated],
    outcomes,
    failuresOverlooked: overlooked,
    recoveredInMs,
    violations,
    phases,
  };
};
