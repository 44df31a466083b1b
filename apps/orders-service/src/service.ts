import { openDeadlineStore, openSagaStore } from '@tributary/order-saga';
import { defineService, type StartedService } from '@tributary/service';
import { startDeadlineSweep } from './deadline-sweep.ts';
import { createSagaHandler } from './saga-handler.ts';
import { ordersServiceSettings, type OrdersServiceSettings } from './settings.ts';

export const serviceName = 'orders-service';
export type OrdersService = StartedService;

/** The order saga: stock and payment outcomes in, OrderConfirmed or OrderRejected out on the orders stream. */
export const startOrdersService = defineService({
  name: serviceName,
  settings: ordersServiceSettings,
  // Facts come from all three streams; the decision goes back to the orders stream.
  uses: ({ ordersTopic, inventoryTopic, paymentsTopic }: OrdersServiceSettings) => ({ store: true, consumes: [ordersTopic, inventoryTopic, paymentsTopic], produces: [ordersTopic] }),
  domain: ({ settings, store, producer, metrics, logger }) => {
    const context = { sagas: openSagaStore(store.db), deadlines: openDeadlineStore(store.db), decidedBy: serviceName, deadlineMs: settings.orderDeadlineMs, now: () => new Date() };
    return { consumer: { handleBatch: createSagaHandler({ context, producer, groupId: settings.groupId, ordersTopic: settings.ordersTopic, logger, metrics }) } };
  },
  tasks: [
    // Each instance sweeps the deadlines of the orders partitions it owns, so deadlines scale with the group.
    ({ settings, store, producer, consumer, logger, metrics }) =>
      startDeadlineSweep({
        deadlines: openDeadlineStore(store.db),
        sagas: openSagaStore(store.db),
        ownedPartitions: () => consumer.assignment().flatMap(({ topic, partition }) => (topic === settings.ordersTopic ? [partition] : [])),
        announce: (events) => producer.publishAndCommit([{ topic: settings.ordersTopic, events }], { groupId: settings.groupId, positions: [] }),
        intervalMs: settings.deadlineSweepMs,
        reannounceAfterMs: Math.max(settings.orderDeadlineMs, 5_000),
        deadlineMs: settings.orderDeadlineMs,
        logger,
        metrics,
      }),
  ],
});
