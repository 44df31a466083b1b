import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Services scale by consumer group and never call each other request-response. The only HTTP call
 * that leaves a service is payments-service's call to the payment gateway, an outside system; the
 * schema registry is reached through @tributary/avro, and the store and Kafka through their drivers.
 */
const root = join(import.meta.dirname, '..');
const appsDir = join(root, 'apps');

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });

const services = readdirSync(appsDir).filter((app) => app !== 'cli');
const httpClientCall = /\bfetch\(|\bhttps?\.(request|get)\(|from ['"](undici|axios|got|node-fetch|superagent)['"]/;
const urlSetting = /setting\(\s*'([A-Z0-9_]+_URL)'/g;

describe('service boundaries', () => {
  it('has the saga services this test guards', () => {
    expect(services).toEqual(expect.arrayContaining(['orders-api', 'orders-service', 'inventory-service', 'payments-service', 'order-projector', 'query-api', 'payment-gateway']));
  });

  it('makes HTTP calls only from payments-service (to the payment gateway)', () => {
    const callers = services.flatMap((app) =>
      sourceFiles(join(appsDir, app, 'src'))
        .filter((file) => httpClientCall.test(readFileSync(file, 'utf8')))
        .map((file) => relative(root, file)),
    );
    expect(callers.every((file) => file.startsWith('apps/payments-service/'))).toBe(true);
    expect(callers.length).toBeGreaterThan(0);
  });

  it('gives no service the address of another service: the only URL settings are the registry and the gateway', () => {
    const found = services.flatMap((app) =>
      sourceFiles(join(appsDir, app, 'src')).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(urlSetting)].map((match) => `${app}:${match[1]}`)),
    );
    expect(found.filter((entry) => !entry.endsWith(':SCHEMA_REGISTRY_URL'))).toEqual(['payments-service:PAYMENT_GATEWAY_URL']);
  });
});
