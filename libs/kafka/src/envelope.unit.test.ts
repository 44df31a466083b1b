import { describe, expect, it } from 'vitest';
import { causedBy, createEnvelope, envelopeHeaders, readHeaders } from './envelope.ts';

describe('the envelope', () => {
  it('carries correlation and trace from a consumed event to the events it causes', () => {
    const placed = createEnvelope('OrderPlaced', 'orders-api', { correlationId: 'request-1' });
    const consumed = readHeaders(envelopeHeaders(placed));
    const reserved = createEnvelope('StockReserved', 'inventory-service', causedBy(consumed));
    expect(reserved).toMatchObject({ correlationId: 'request-1', causationId: placed.eventId, traceparent: placed.traceparent });
    expect(reserved.eventId).not.toBe(placed.eventId);
  });

  it('sets every header of the design on a produced record', () => {
    const headers = envelopeHeaders(createEnvelope('OrderPlaced', 'orders-api', { causationId: 'e-0' }));
    expect(Object.keys(headers).sort()).toEqual(['causation-id', 'correlation-id', 'event-id', 'event-type', 'occurred-at', 'producer', 'traceparent']);
    expect(String(headers['traceparent'])).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});
