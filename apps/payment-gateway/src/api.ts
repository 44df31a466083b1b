import type { ApiDescription } from '@tributary/http';
import { z } from 'zod';
import type { Behaviour } from './behaviour.ts';
import { behaviourChange } from './behaviour.ts';
import type { Charges, PaymentAnswer } from './gateway.ts';
import { chargeParams, idempotencyHeaders, paymentRequest } from './routes.ts';

/* What the simulator answers, as zod schemas for its OpenAPI document; the checks at the end fail to compile when they and the code's types differ. */

const request = { orderId: z.string(), amount: z.string(), currency: z.string() };

const paymentAnswer = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('AUTHORIZED'), authorizationId: z.string(), ...request }),
  z.strictObject({ status: z.literal('DECLINED'), reason: z.enum(['AMOUNT_OVER_LIMIT', 'DECLINED_BY_ISSUER']), ...request }),
]);

const behaviour = z.strictObject({
  latencyMs: z.number().int(),
  failureRate: z.number(),
  declineAbove: z.string(),
  declineRate: z.number(),
  rejectRate: z.number(),
  refusedCurrencies: z.array(z.string()),
});

const charges = z.strictObject({ total: z.number().int(), keys: z.record(z.string(), z.number().int()) });

const charge = z.strictObject({ key: z.string(), timesCharged: z.number().int(), answer: paymentAnswer });

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const checks: [Same<z.output<typeof paymentAnswer>, PaymentAnswer>, Same<z.output<typeof behaviour>, Behaviour>, Same<z.output<typeof charges>, Charges>] = [true, true, true];
void checks;

/** The payment gateway simulator's operations, from the schemas its routes validate with (served at GET /openapi.json). */
export const gatewayApi: ApiDescription = {
  title: 'Tributary payment-gateway (simulator)',
  version: '0.1.0',
  description: 'A simulator of the payment gateway outside the platform, with settable latency, failures, declines and refusals.',
  operations: [
    {
      method: 'post',
      path: '/payments',
      operationId: 'authorizePayment',
      summary: 'Authorize a payment; a repeat with the same Idempotency-Key gets the first answer',
      headers: idempotencyHeaders,
      body: paymentRequest,
      responses: {
        200: {
          description: 'Authorized or declined',
          headers: { 'Idempotent-Replayed': { description: 'true when this is the stored answer of an earlier request with the key', schema: z.literal('true') } },
          body: paymentAnswer,
        },
      },
      errors: [400, 409, 413, 422, 503],
    },
    { method: 'get', path: '/admin/behaviour', operationId: 'getBehaviour', summary: 'How the simulator behaves now', responses: { 200: { description: 'The behaviour', body: behaviour } } },
    {
      method: 'put',
      path: '/admin/behaviour',
      operationId: 'changeBehaviour',
      summary: 'Change any of latency, failure, decline and refusal settings while it runs',
      body: behaviourChange,
      responses: { 200: { description: 'The behaviour after the change', body: behaviour } },
      errors: [400, 413],
    },
    { method: 'get', path: '/admin/charges', operationId: 'listCharges', summary: 'Decisions made, per idempotency key', responses: { 200: { description: 'The ledger', body: charges } } },
    {
      method: 'get',
      path: '/admin/charges/:key',
      operationId: 'getCharge',
      summary: 'The times a key was charged, and its stored answer',
      params: chargeParams,
      responses: { 200: { description: 'The charge', body: charge } },
      errors: [400, 404],
    },
  ],
};
