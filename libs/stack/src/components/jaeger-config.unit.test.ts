import { describe, expect, it } from 'vitest';
import { defaultPorts } from '../options.ts';
import { renderJaegerConfig } from './jaeger-config.ts';

describe('renderJaegerConfig', () => {
  const config = renderJaegerConfig({ jaegerUi: 26686, jaegerGrpc: 26685, otlpHttp: 24318, otlpGrpc: 24317 });

  it('listens on loopback only, on the ports it is given', () => {
    const endpoints = [...config.matchAll(/endpoint: (\S+)/g)].map((match) => match[1]);
    expect(endpoints.sort()).toEqual(['127.0.0.1:24317', '127.0.0.1:24318', '127.0.0.1:26685', '127.0.0.1:26686']);
  });

  it('keeps spans in memory, and neither traces itself nor opens a metrics port', () => {
    expect(config).toMatch(/memory:\n\s+max_traces: \d+/);
    expect(config).toContain('enable_tracing: false');
    expect(config).toMatch(/metrics:\n\s+level: none/);
  });

  it('serves a built UI when given one, and the placeholder page otherwise', () => {
    expect(config).not.toContain('assets_path');
    expect(renderJaegerConfig(defaultPorts, '/opt/jaeger ui/build')).toMatch(/enable_tracing: false\n {4}ui:\n {6}assets_path: "\/opt\/jaeger ui\/build"\n/);
  });

  it("uses Jaeger's and OTLP's own default ports by default", () => {
    expect(renderJaegerConfig(defaultPorts)).toContain(`127.0.0.1:${defaultPorts.otlpHttp}`);
    expect([defaultPorts.jaegerUi, defaultPorts.otlpHttp, defaultPorts.otlpGrpc]).toEqual([16686, 4318, 4317]);
  });
});
