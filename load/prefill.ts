import { setTimeout as sleep } from 'node:timers/promises';

/** Gives every SKU the run orders plenty of stock, so the saga confirms instead of rejecting. */
export const stockSkus = async (inventoryUrl: string, skus: readonly string[], quantity = 1_000_000): Promise<void> => {
  for (const sku of skus) {
    const res = await fetch(new URL(`/stock/${encodeURIComponent(sku)}`, inventoryUrl), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quantity }),
    });
    if (!res.ok) throw new Error(`PUT /stock/${sku} answered ${res.status}: ${await res.text()}`);
  }
};

export interface PrefilledOrder {
  orderId: string;
  customerId: string;
}

/**
 * Places `customers x ordersEach` orders for the queries scenario, then waits until the query API
 * shows every one of them: the scenario must read a complete read model, not race the projector.
 */
export const prefillOrders = async (
  { ordersApiUrl, queryApiUrl }: { ordersApiUrl: string; queryApiUrl: string },
  { runId, customers, ordersEach, sku, timeoutMs = 60_000 }: { runId: string; customers: number; ordersEach: number; sku: string; timeoutMs?: number },
): Promise<PrefilledOrder[]> => {
  const orders: PrefilledOrder[] = [];
  for (let c = 0; c < customers; c += 1) {
    const customerId = `load-${runId}-queries-${c}`;
    const placed = await Promise.all(
      Array.from({ length: ordersEach }, async () => {
        const res = await fetch(new URL('/orders', ordersApiUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ customerId, currency: 'EUR', items: [{ sku, quantity: 1, unitPrice: '9.99' }] }),
        });
        if (res.status !== 202) throw new Error(`POST /orders answered ${res.status}: ${await res.text()}`);
        return ((await res.json()) as { orderId: string }).orderId;
      }),
    );
    orders.push(...placed.map((orderId) => ({ orderId, customerId })));
  }
  const deadline = Date.now() + timeoutMs;
  for (const { orderId } of orders) {
    for (;;) {
      const res = await fetch(new URL(`/orders/${orderId}`, queryApiUrl));
      if (res.ok) break;
      if (Date.now() > deadline) throw new Error(`order ${orderId} not in the read model after ${timeoutMs} ms`);
      await sleep(100);
    }
  }
  return orders;
};
