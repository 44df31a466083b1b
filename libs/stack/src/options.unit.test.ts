import { describe, expect, it } from 'vitest';
import { stackEndpoints, endpointVariables } from './endpoints.ts';
import { defaultPorts, resolveStackOptions } from './options.ts';

describe('resolveStackOptions', () => {
  it('uses the documented defaults when nothing is set', () => {
    const options = resolveStackOptions({}, '/repo');
    expect(options.ports).toEqual({ kafka: 9092, kafkaController: 9093, registry: 8081, store: 27017, jaegerUi: 16686, jaegerGrpc: 16685, otlpHttp: 4318, otlpGrpc: 4317 });
    expect(options.stackDir).toBe('/repo/.tributary/stack');
    expect(options.cacheDir).toMatch(/\.cache\/tributary$/);
  });

  it('reads folders and every port from the environment', () => {
    const options = resolveStackOptions(
      {
        TRIBUTARY_STACK_DIR: '/tmp/s',
        TRIBUTARY_CACHE_DIR: '/tmp/c',
        TRIBUTARY_KAFKA_PORT: '19092',
        TRIBUTARY_KAFKA_CONTROLLER_PORT: '19093',
        TRIBUTARY_REGISTRY_PORT: '18081',
        TRIBUTARY_STORE_PORT: ' 27018 ',
        TRIBUTARY_JAEGER_UI_PORT: '26686',
        TRIBUTARY_JAEGER_GRPC_PORT: '26685',
        TRIBUTARY_OTLP_HTTP_PORT: '24318',
        TRIBUTARY_OTLP_GRPC_PORT: '24317',
      },
      '/repo',
    );
    expect(options).toEqual({
      stackDir: '/tmp/s',
      cacheDir: '/tmp/c',
      brokers: 1,
      ports: { kafka: 19092, kafkaController: 19093, registry: 18081, store: 27018, jaegerUi: 26686, jaegerGrpc: 26685, otlpHttp: 24318, otlpGrpc: 24317 },
    });
  });

  it('treats empty variables as unset', () => {
    expect(resolveStackOptions({ TRIBUTARY_KAFKA_PORT: '', TRIBUTARY_STACK_DIR: ' ' }, '/repo')).toMatchObject({
      stackDir: '/repo/.tributary/stack',
      ports: defaultPorts,
    });
  });

  it.each(['abc', '0', '65536', '80.5', '-1'])('rejects the port %s with the variable name', (value) => {
    expect(() => resolveStackOptions({ TRIBUTARY_STORE_PORT: value }, '/repo')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('TRIBUTARY_STORE_PORT') as unknown }),
    );
  });

  it('reads the number of Kafka nodes, 1 or 3', () => {
    expect(resolveStackOptions({ TRIBUTARY_KAFKA_NODES: '3' }, '/repo').brokers).toBe(3);
    expect(() => resolveStackOptions({ TRIBUTARY_KAFKA_NODES: '2' }, '/repo')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('use 1 (one node) or 3') as unknown }),
    );
  });

  it("rejects a cluster whose further nodes' ports meet another component's", () => {
    expect(() => resolveStackOptions({ TRIBUTARY_KAFKA_NODES: '3', TRIBUTARY_STORE_PORT: '9094' }, '/repo')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('kafka-2') as unknown }),
    );
  });

  it('rejects two components on one port', () => {
    expect(() => resolveStackOptions({ TRIBUTARY_STORE_PORT: '9092' }, '/repo')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('both kafka and store') as unknown }),
    );
  });
});

describe('stackEndpoints', () => {
  it('points clients at loopback with the registry compatibility path', () => {
    const endpoints = stackEndpoints(resolveStackOptions({ TRIBUTARY_REGISTRY_PORT: '18081' }, '/repo'));
    expect(endpoints).toEqual({
      kafkaBrokers: ['127.0.0.1:9092'],
      registryUrl: 'http://127.0.0.1:18081/apis/ccompat/v7',
      mongoUri: 'mongodb://127.0.0.1:27017',
    });
    expect(endpointVariables(endpoints)).toEqual({
      KAFKA_BROKERS: '127.0.0.1:9092',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081/apis/ccompat/v7',
      MONGODB_URI: 'mongodb://127.0.0.1:27017',
    });
  });

  it('hands out the OTLP endpoint and the Jaeger UI only when tracing runs', () => {
    const endpoints = stackEndpoints(resolveStackOptions({ TRIBUTARY_OTLP_HTTP_PORT: '24318' }, '/repo'), true);
    expect(endpoints).toMatchObject({ otlpEndpoint: 'http://127.0.0.1:24318', jaegerUrl: 'http://127.0.0.1:16686' });
    expect(endpointVariables(endpoints)['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe('http://127.0.0.1:24318');
  });
});

describe('stackEndpoints of a cluster', () => {
  it('hands out every node and a replication factor of 3', () => {
    const endpoints = stackEndpoints(resolveStackOptions({ TRIBUTARY_KAFKA_NODES: '3', TRIBUTARY_KAFKA_PORT: '17092', TRIBUTARY_KAFKA_CONTROLLER_PORT: '17093' }, '/repo'));
    expect(endpoints.kafkaBrokers).toEqual(['127.0.0.1:17092', '127.0.0.1:17094', '127.0.0.1:17096']);
    expect(endpointVariables(endpoints)).toMatchObject({ KAFKA_BROKERS: '127.0.0.1:17092,127.0.0.1:17094,127.0.0.1:17096', TOPIC_REPLICATION_FACTOR: '3' });
  });
});
