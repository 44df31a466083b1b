import { describe, expect, it } from 'vitest';
import { causedBy, createEnvelope, envelopeHeaders, newTraceparent, readHeaders } from './envelope.ts';

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

  it('starts each trace with its own W3C trace context: valid form, ids never all zeros', () => {
    const contexts = Array.from({ length: 1_000 }, newTraceparent);
    expect(new Set(contexts).size).toBe(contexts.length);
    for (const context of contexts) {
      const [version, traceId, spanId, flags] = context.split('-');
      expect([version, flags]).toEqual(['00', '01']);
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(traceId).not.toMatch(/^0+$/);
      expect(spanId).not.toMatch(/^0+$/);
    }
  });
});
