import type { StockReserved } from '@tributary/contracts';
import type { Tracer } from '@opentelemetry/api';
import { classify, isTributaryError } from '@tributary/errors';
import { headerNames, positionsOf, type ConsumedEvent, type TransactionalEventProducer } from '@tributary/kafka';
import type { Logger } from '@tributary/logger';
import { counter, type MetricsRegistry } from '@tributary/metrics';
import type { Breaker } from '@tributary/resilience';
import { noTracing, withClientSpan, withTraceparent } from '@tributary/tracing';
import { mapBounded } from './bounded.ts';
import type { GatewayAnswer, PaymentRequest } from './gateway-client.ts';
import { chargesNothing, isStockReserved, paymentFor, paymentOutcome, zeroAmountAnswer, type PaymentToMake } from './payment.ts';

export interface PaymentHandlerOptions {
  /** The gateway call behind its breaker; the order id is the idempotency key. */
  breaker: Breaker<[string, PaymentRequest], GatewayAnswer>;
  producer: TransactionalEventProducer;
  groupId: string;
  paymentsTopic: string;
  concurrency: number;
  logger: Logger;
  metrics: MetricsRegistry;
  /** Makes the gateway call a span of the order's trace, with the breaker's state on it. */
  tracer?: Tracer;
  gatewayUrl?: string;
  now?: () => Date;
}

/** The gateway call as a span of its reservation's trace; a zero total calls nothing. */
const charge = (breaker: PaymentHandlerOptions['breaker'], tracer: Tracer, gatewayUrl: string | undefined, payment: PaymentToMake): Promise<GatewayAnswer> => {
  if (chargesNothing(payment)) return Promise.resolve(zeroAmountAnswer);
  const { orderId } = payment.request;
  const attributes = { 'http.request.method': 'POST', ...(gatewayUrl ? { 'server.address': new URL(gatewayUrl).host } : {}), 'order.id': orderId, 'tributary.breaker.state': breaker.state };
  return withTraceparent(payment.consumed.headers[headerNames.traceparent], () => withClientSpan(tracer, 'POST /payments', attributes, () => breaker.fire(orderId, payment.request)));
};

/**
 * Of several failures in one batch, the one the runtime should act on: a record no retry can fix
 * first (the runtime then handles the records one by one and parks just that one), then an open
 * breaker (pause at once, no retries into it), then whatever came first.
 */
export const batchFailure = (errors: readonly unknown[]): unknown =>
  errors.find((error) => classify(error) === 'deadLetter') ?? errors.find((error) => isTributaryError(error) && error.code === 'CIRCUIT_OPEN') ?? errors[0];

/**
 * Charges every reserved order of one partition's batch, then produces the outcomes and commits the
 * batch's offsets in one transaction. If any call fails nothing is produced and the batch is retried
 * whole: the gateway answers repeats of an idempotency key from its record, so nobody pays twice.
 */
export const createPaymentHandler = ({ breaker, producer, groupId, paymentsTopic, concurrency, logger, metrics, tracer = noTracing.tracer, gatewayUrl, now = () => new Date() }: PaymentHandlerOptions) => {
  const outcomes = counter(metrics, 'payments_outcomes_total', 'Payment outcomes produced, by kind', ['outcome']);
  return async (events: readonly ConsumedEvent<unknown>[]): Promise<void> => {
    const payments = events.filter(isStockReserved).map((consumed: ConsumedEvent<StockReserved>) => paymentFor(consumed));
    // Other inventory events are not for payments: the runtime commits past them after this batch.
    if (payments.length === 0) return;
    const answers = await mapBounded(payments, concurrency, (payment) => charge(breaker, tracer, gatewayUrl, payment));
    if (!answers.ok) throw batchFailure(answers.errors);
    const at = now();
    const produced = payments.map((payment, i) => paymentOutcome(payment, answers.values[i] as GatewayAnswer, at));
    await producer.publishAndCommit([{ topic: paymentsTopic, events: produced }], { groupId, positions: positionsOf(events) });
    for (const event of produced) {
      outcomes.inc({ outcome: event.eventType === 'PaymentAuthorized' ? 'authorized' : 'declined' });
      logger.debug('payment outcome produced', { orderId: event.key, eventType: event.eventType, correlationId: event.context?.correlationId });
    }
  };
};
