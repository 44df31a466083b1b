import { randomUUID } from 'node:crypto';
import { parseInput, requestTrace, type CommandRateLimit, type HttpAppOptions } from '@tributary/http';
import type { EventProducer } from '@tributary/kafka';
import type { Logger } from '@tributary/logger';
import { counter, type MetricsRegistry } from '@tributary/metrics';
import type { SagaStore } from '@tributary/order-saga';
import { cancelOrder, cancelOrderCommand, orderIdParams } from './cancel-order.ts';
import { isUnconfirmed, unconfirmed, within } from './deadline.ts';
import { orderPlaced, placeOrderCommand } from './place-order.ts';
import type { OrdersApiSettings } from './settings.ts';

export interface OrderRoutesOptions {
  producer: EventProducer;
  /** Cancelling asks the saga's record whether the order is final; placing needs only Kafka. */
  sagas: SagaStore;
  settings: OrdersApiSettings;
  /** The command rate limit, which settings reloaded at run time may change. */
  limiter: CommandRateLimit;
  logger: Logger;
  metrics: MetricsRegistry;
}

/** POST /orders places an order, POST /orders/:id/cancel cancels one; both answer 202 once Kafka has the event. */
export const orderRoutes = ({ producer, sagas, settings, limiter, logger, metrics }: OrderRoutesOptions): HttpAppOptions['routes'] => {
  const accepted = counter(metrics, 'orders_accepted_total', 'Orders accepted and published as OrderPlaced');
  const cancellations = counter(metrics, 'orders_cancel_requests_total', 'Cancellation requests, by answer', ['outcome']);
  const timeouts = counter(metrics, 'orders_publish_timeouts_total', 'Commands answered 503 because Kafka did not confirm their event within PUBLISH_TIMEOUT_MS', ['command']);
  for (const command of ['place', 'cancel']) timeouts.inc({ command }, 0);
  return (router) => {
    const limited = limiter.handler;
    router.post('/orders', limited, async (req, res) => {
      // Validation happens before anything is produced: a bad body leaves the topic untouched.
      const command = parseInput(placeOrderCommand, req.body);
      const orderId = randomUUID();
      const traced = requestTrace(res);
      // Names the order on the request's span: `tributary trace <orderId>` finds its trace by it.
      traced.setAttribute('order.id', orderId);
      const requestId = res.locals['requestId'] as string;
      const published = await within(
        producer.publish(settings.ordersTopic, [
          { key: orderId, eventType: 'OrderPlaced', payload: orderPlaced(command, orderId, new Date()), context: { correlationId: requestId, traceparent: traced.traceparent() } },
        ]),
        settings.publishTimeoutMs,
      );
      if (!published.settled) {
        // kafkajs goes on retrying a send it has taken, so the order may still be written after
        // this answer. The id is made here, not by the client, so a retry cannot reuse it; the
        // answer names it instead, and a late write is logged. A late OrderPlaced goes through
        // the flow like any other: the saga and the read models key everything by order id.
        void published.pending.then(() => logger.warn('order published after its request was answered 503', { orderId, correlationId: requestId, ...traced.logFields() }), () => undefined);
        timeouts.inc({ command: 'place' });
        throw unconfirmed(`Kafka did not confirm order ${orderId} within ${settings.publishTimeoutMs} ms; it may still be accepted: look it up by its id before placing it again`, { orderId });
      }
      accepted.inc();
      logger.info('order accepted', { orderId, correlationId: requestId, ...traced.logFields() });
      res.status(202).location(`/orders/${orderId}`).json({ orderId });
    });
    router.post('/orders/:id/cancel', limited, async (req, res) => {
      const { id } = parseInput(orderIdParams, req.params, 'Path');
      const command = parseInput(cancelOrderCommand, req.body ?? {});
      const requestId = res.locals['requestId'] as string;
      const traced = requestTrace(res);
      try {
        await cancelOrder({ sagas, producer, ordersTopic: settings.ordersTopic, requestId, traceparent: traced.traceparent(), now: new Date(), publishTimeoutMs: settings.publishTimeoutMs }, id, command);
      } catch (error) {
        cancellations.inc({ outcome: (error as { code?: string }).code ?? 'INTERNAL' });
        if (isUnconfirmed(error)) timeouts.inc({ command: 'cancel' });
        throw error;
      }
      cancellations.inc({ outcome: 'CANCELLED' });
      logger.info('order cancelled', { orderId: id, correlationId: requestId, ...traced.logFields() });
      res.status(202).location(`/orders/${id}`).json({ orderId: id, status: 'CANCELLED' });
    });
  };
};
