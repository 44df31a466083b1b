import { TributaryError } from '@tributary/errors';
import { parseInput, type ErrorBody } from '@tributary/http';
import type { Logger } from '@tributary/logger';
import { counter, type MetricsRegistry } from '@tributary/metrics';
import type { Express } from 'express';
import { z } from 'zod';
import { behaviourChange, currencyCode, positiveDecimalText } from './behaviour.ts';
import type { RefusalReason } from './decision.ts';
import type { Gateway } from './gateway.ts';

/** Any printable ASCII, as the Idempotency-Key header drafts allow; long enough for a UUID or an order id. */
const idempotencyKey = z.string({ error: 'is required' }).regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 printable characters');

export const idempotencyHeaders = z.object({ 'idempotency-key': idempotencyKey });

export const chargeParams = z.strictObject({ key: idempotencyKey });

export const paymentRequest = z.strictObject({
  orderId: z.string().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
  amount: positiveDecimalText(),
  currency: currencyCode(),
});

/*
 * A refusal is a 422: the payments service's gateway client takes every 4xx but 429 as a request no
 * retry fixes (UPSTREAM_REJECTED), dead-letters the record and does not count it against its breaker.
 */
const refusalMessages: Record<RefusalReason, (request: { currency: string }) => string> = {
  CURRENCY_REFUSED: ({ currency }) => `The gateway does not accept payments in ${currency} (GATEWAY_REFUSED_CURRENCIES); no retry changes that`,
  REFUSED_BY_NETWORK: () => 'The payment network refused the request (injected refusal, GATEWAY_REJECT_RATE); a retry with the same Idempotency-Key is refused again',
};

export const paymentRoutes = (gateway: Gateway, logger: Logger, metrics: MetricsRegistry) => {
  const payments = counter(metrics, 'gateway_payments_total', 'Payment requests answered by the simulator, by outcome', ['outcome']);
  return (app: Express): void => {
    app.post('/payments', async (req, res) => {
      const { 'idempotency-key': key } = parseInput(idempotencyHeaders, { 'idempotency-key': req.get('idempotency-key') }, 'Header');
      const request = parseInput(paymentRequest, req.body);
      const result = await gateway.authorize(key, request);
      if (result.kind === 'conflict') {
        payments.inc({ outcome: 'conflict' });
        throw new TributaryError('CONFLICT', `Idempotency-Key ${key} was already used for a different payment request`, { details: { idempotencyKey: key } });
      }
      if (result.kind === 'failed') {
        payments.inc({ outcome: 'failed' });
        // The gateway's own dependency "failed": a 503 the caller should retry with the same key.
        const body: ErrorBody = { error: { code: 'UPSTREAM_FAILED', message: 'The payment network did not answer (injected failure); retry with the same Idempotency-Key', requestId: res.locals['requestId'] as string } };
        res.status(503).json(body);
        return;
      }
      if (result.kind === 'refused') {
        payments.inc({ outcome: 'refused' });
        const body: ErrorBody = { error: { code: 'UPSTREAM_REJECTED', message: refusalMessages[result.reason](request), requestId: res.locals['requestId'] as string, details: { reason: result.reason } } };
        res.status(422).json(body);
        return;
      }
      payments.inc({ outcome: result.replayed ? 'replayed' : result.answer.status.toLowerCase() });
      if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.status(200).json(result.answer);
    });

    app.get('/admin/behaviour', (_req, res) => {
      res.json(gateway.behaviour());
    });

    app.put('/admin/behaviour', (req, res) => {
      const change = parseInput(behaviourChange, req.body);
      const behaviour = gateway.changeBehaviour(change);
      logger.info('behaviour changed', { change, behaviour });
      res.json(behaviour);
    });

    app.get('/admin/charges', (_req, res) => {
      res.json(gateway.charges());
    });

    app.get('/admin/charges/:key', (req, res) => {
      const { key } = parseInput(chargeParams, req.params, 'Path');
      const charge = gateway.charge(key);
      if (!charge) throw new TributaryError('NOT_FOUND', `No payment was answered for Idempotency-Key ${key}`);
      res.json({ key, ...charge });
    });
  };
};
