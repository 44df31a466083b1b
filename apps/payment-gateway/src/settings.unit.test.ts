import { describe, expect, it } from 'vitest';
import { behaviourChange } from './behaviour.ts';
import { loadPaymentGatewaySettings } from './settings.ts';

describe('payment gateway settings', () => {
  it('defaults to a quick, reliable gateway on port 3099', () => {
    expect(loadPaymentGatewaySettings({})).toMatchObject({ port: 3099, latencyMs: 20, failureRate: 0, declineAbove: '10000', declineRate: 0, rejectRate: 0, refusedCurrencies: [] });
  });

  it('reads the injected behaviour and names every bad value', () => {
    expect(loadPaymentGatewaySettings({ GATEWAY_LATENCY_MS: '0', GATEWAY_FAILURE_RATE: '0.3', GATEWAY_DECLINE_ABOVE: '99.5' })).toMatchObject({
      latencyMs: 0,
      failureRate: 0.3,
      declineAbove: '99.5',
    });
    expect(() => loadPaymentGatewaySettings({ GATEWAY_FAILURE_RATE: '2', GATEWAY_DECLINE_ABOVE: 'lots', GATEWAY_LATENCY_MS: '-1' })).toThrowError(
      /GATEWAY_LATENCY_MS.*GATEWAY_FAILURE_RATE.*GATEWAY_DECLINE_ABOVE/,
    );
  });

  it('reads the refusals: a share of keys and a list of currencies', () => {
    expect(loadPaymentGatewaySettings({ GATEWAY_REJECT_RATE: '0.2', GATEWAY_REFUSED_CURRENCIES: 'XTS, CHF' })).toMatchObject({ rejectRate: 0.2, refusedCurrencies: ['XTS', 'CHF'] });
    expect(() => loadPaymentGatewaySettings({ GATEWAY_REJECT_RATE: '-0.1', GATEWAY_REFUSED_CURRENCIES: 'xts' })).toThrowError(/GATEWAY_REJECT_RATE.*GATEWAY_REFUSED_CURRENCIES/);
  });

  it('accepts a partial behaviour change with JSON types only', () => {
    expect(behaviourChange.safeParse({ failureRate: 1 }).success).toBe(true);
    expect(behaviourChange.safeParse({ failureRate: '1' }).success).toBe(false);
    expect(behaviourChange.safeParse({ failureRate: 1.5 }).success).toBe(false);
    expect(behaviourChange.safeParse({ speed: 1 }).success).toBe(false);
    expect(behaviourChange.safeParse({ rejectRate: 0.2, refusedCurrencies: ['XTS'] }).success).toBe(true);
    expect(behaviourChange.safeParse({ refusedCurrencies: 'XTS' }).success).toBe(false);
    expect(behaviourChange.safeParse({ refusedCurrencies: ['euro'] }).success).toBe(false);
  });
});
