import { parseDecimal } from '@tributary/avro';
import type { PaymentAuthorized, PaymentDeclined, StockReserved } from '@tributary/contracts';
import { TributaryError } from '@tributary/errors';
import { causedBy, derivedEventId, headerNames, type ConsumedEvent, type OutgoingEvent } from '@tributary/kafka';
import type { GatewayAnswer, PaymentRequest } from './gateway-client.ts';

/** Amounts are the events' decimals: scale 4. */
const amountScale = 4;

/** A reserved order to charge, with the record it came from. */
export interface PaymentToMake {
  consumed: ConsumedEvent<StockReserved>;
  request: PaymentRequest;
}

export const isStockReserved = (consumed: ConsumedEvent<unknown>): consumed is ConsumedEvent<StockReserved> => consumed.event.eventType === 'StockReserved';

/**
 * What to charge for a reservation. Version 1 of StockReserved carries no amount: charging it would
 * need the order stream, so it is refused with a reason an operator can act on (the runtime parks it).
 */
export const paymentFor = (consumed: ConsumedEvent<StockReserved>): PaymentToMake => {
  const { orderId, amount, currency } = consumed.event.payload;
  if (amount === null || currency === null) {
    throw new TributaryError(
      'VALIDATION_FAILED',
      `StockReserved for order ${orderId} carries no amount or currency (written before version 2), so the payment cannot be charged; republish the reservation as StockReserved v2 and redrive`,
      { details: { orderId, topic: consumed.topic, partition: consumed.partition, offset: consumed.offset } },
    );
  }
  return { consumed, request: { orderId, amount, currency } };
};

/**
 * Nothing to charge: a zero total is authorized here, without a gateway call (gateways refuse an
 * amount of 0), so free orders confirm like any other.
 */
export const zeroAmountAnswer: GatewayAnswer = { status: 'AUTHORIZED', authorizationId: 'no-charge' };

export const chargesNothing = ({ request }: PaymentToMake): boolean => parseDecimal(request.amount, amountScale) === 0n;

/** The consumed event's id; a record without one is named by its position, which is as stable. */
const causeIdOf = (consumed: ConsumedEvent<unknown>): string =>
  consumed.headers[headerNames.eventId] ?? `${consumed.topic}/${consumed.partition}/${consumed.offset}`;

/**
 * The payment event for the gateway's answer. Its id derives from the reservation's, so handling
 * the same reservation again (a redelivery, a retried batch) produces the same event id.
 */
export const paymentOutcome = ({ consumed, request }: PaymentToMake, answer: GatewayAnswer, now: Date): OutgoingEvent => {
  const eventType = answer.status === 'AUTHORIZED' ? 'PaymentAuthorized' : 'PaymentDeclined';
  const context = { ...causedBy(consumed.headers), eventId: derivedEventId(causeIdOf(consumed), eventType) };
  const { orderId, amount, currency } = request;
  if (answer.status === 'AUTHORIZED') {
    const payload: PaymentAuthorized = { orderId, amount, currency, authorizationId: answer.authorizationId, authorizedAt: now };
    return { key: orderId, eventType, payload, context };
  }
  const payload: PaymentDeclined = { orderId, amount, currency, reason: answer.reason, declinedAt: now };
  return { key: orderId, eventType, payload, context };
};
