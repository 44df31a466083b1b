import type { ConsumedEvent, OutgoingEvent } from '@tributary/kafka';
import { counter } from '@tributary/metrics';
import { openSagaStore } from '@tributary/order-saga';
import { defineService, transformPerKey, type StartedService } from '@tributary/service';
import { sagaStep } from './saga-step.ts';
import type { OrdersServiceSettings } from './settings.ts';

export const serviceName = 'orders-service';
export type OrdersService = StartedService;

/** Orders of one batch handled at once; each order's own events stay in order. */
const orderConcurrency = 16;

/** The order saga: stock and payment outcomes in, OrderConfirmed or OrderRejected out on the orders stream. */
export const startOrdersService = defineService({
  name: serviceName,
  // Facts come from all three streams; the decision goes back to the orders stream.
  uses: ({ ordersTopic, inventoryTopic, paymentsTopic }: OrdersServiceSettings) => ({ store: true, consumes: [ordersTopic, inventoryTopic, paymentsTopic], produces: [ordersTopic] }),
  domain: ({ settings, store, producer, metrics, logger }) => {
    const decisions = counter(metrics, 'saga_decisions_total', 'Orders made final by the saga, by outcome', ['outcome']);
    const sagas = openSagaStore(store.db);
    const decide = async (consumed: ConsumedEvent<unknown>) => {
      const output = await sagaStep(sagas, consumed, serviceName, () => new Date());
      return output ? [output] : [];
    };
    const committed = (outputs: readonly OutgoingEvent[]) => {
      for (const output of outputs) {
        decisions.inc({ outcome: output.eventType });
        logger.info('order decided', { orderId: output.key, outcome: output.eventType, correlationId: output.context?.correlationId });
      }
    };
    const decisionsTo = { producer, groupId: settings.groupId, topic: settings.ordersTopic, concurrency: orderConcurrency, committed };
    return { consumer: { handleBatch: transformPerKey(decisionsTo, decide) } };
  },
});
