import { handlePerKey, positionsOf, type ConsumedEvent, type TransactionalEventProducer } from '@tributary/kafka';
import type { Logger } from '@tributary/logger';
import { counter, type MetricsRegistry } from '@tributary/metrics';
import { sagaStep, type SagaStepContext } from './saga-step.ts';

/** Orders of one batch handled at once; each order's own events stay in order. */
const orderConcurrency = 16;

export interface SagaHandlerOptions {
  context: SagaStepContext;
  producer: TransactionalEventProducer;
  groupId: string;
  ordersTopic: string;
  logger: Logger;
  metrics: MetricsRegistry;
}

/** Decides one partition's batch: the decisions and the positions they were made at become visible together, or not at all. */
export const createSagaHandler = ({ context, producer, groupId, ordersTopic, logger, metrics }: SagaHandlerOptions) => {
  const decisions = counter(metrics, 'saga_decisions_total', 'Orders made final by the saga, by outcome', ['outcome']);
  const latePayments = counter(metrics, 'saga_late_payments_total', 'Payments authorized for orders that had already ended otherwise: each one needs a refund');
  return async (events: readonly ConsumedEvent<unknown>[]): Promise<void> => {
    const results = await handlePerKey(events, orderConcurrency, async (consumed) => [await sagaStep(context, consumed)]);
    const outputs = results.flatMap((result) => (result.output ? [result.output] : []));
    await producer.publishAndCommit([{ topic: ordersTopic, events: outputs }], { groupId, positions: positionsOf(events) });
    for (const output of outputs) {
      decisions.inc({ outcome: output.eventType });
      logger.info('order decided', { orderId: output.key, outcome: output.eventType, correlationId: output.context?.correlationId });
    }
    for (const { latePayment } of results) {
      if (!latePayment) continue;
      latePayments.inc();
      logger.warn('payment authorized for an order that had ended: refund it', { orderId: latePayment.orderId, outcome: latePayment.outcome });
    }
  };
};
