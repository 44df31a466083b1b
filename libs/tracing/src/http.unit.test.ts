import { EventEmitter } from 'node:events';
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { httpServerSpans, requestSpan, traceHeaders, withClientSpan } from './http.ts';
import { recordingTracing } from './recording.ts';

const request = (headers: Record<string, string> = {}) => ({ method: 'POST', path: '/orders/o-1/cancel', headers, route: { path: '/orders/:id/cancel' } });
const response = (statusCode: number) => Object.assign(new EventEmitter(), { statusCode, locals: {} });

describe('HTTP spans', () => {
  it("makes a request a SERVER span under the caller's traceparent, named by its route, with its status", () => {
    const tracing = recordingTracing();
    const res = response(202);
    let activeInside: string | undefined;
    httpServerSpans(tracing.tracer)(request({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }), res, () => {
      activeInside = trace.getActiveSpan()?.spanContext().traceId;
    });
    res.emit('close');
    const [span] = tracing.spans();
    expect(span?.name).toBe('POST /orders/:id/cancel');
    expect(span?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(span?.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/orders/:id/cancel', 'http.response.status_code': 202 });
    expect(activeInside).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(requestSpan(res)?.spanContext().spanId).toBe(span?.spanContext().spanId);
  });

  it('starts a new trace for a malformed traceparent and marks a 5xx as an error', () => {
    const tracing = recordingTracing();
    const res = response(503);
    httpServerSpans(tracing.tracer)(request({ traceparent: 'garbage' }), res, () => undefined);
    res.emit('close');
    res.emit('close');
    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.spans()[0]?.parentSpanContext).toBeUndefined();
    expect(tracing.spans()[0]?.status.code).toBe(2);
  });

  it('makes an outbound call a CLIENT span whose context the call sends on', async () => {
    const tracing = recordingTracing();
    const sent = await withClientSpan(tracing.tracer, 'POST /payments', { 'tributary.breaker.state': 'closed' }, () => Promise.resolve(traceHeaders()));
    const [span] = tracing.spans();
    expect(span?.attributes['tributary.breaker.state']).toBe('closed');
    expect(sent['traceparent']).toBe(`00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-01`);
    await expect(withClientSpan(tracing.tracer, 'failing', {}, () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(tracing.spans()[1]?.status).toMatchObject({ code: 2, message: 'refused' });
  });
});
