import { describe, expect, it } from 'vitest';
import { defineService } from './define-service.ts';
import { fakeBackbone, fullService, quietLogger, settings, spec, type Settings } from './define-service.fixtures.ts';

/**
 * These tests are about order, not about Kafka or the store: the backbone is a fake that writes
 * down each step it is asked for (see the fixtures). Only the HTTP server is real (loopback, a free
 * port), so /readyz can be asked what the builder put in it.
 */
describe('the service builder', () => {
  it('starts in one order: store, topics, producer, domain, HTTP server, consumer, background tasks', async () => {
    const { backbone, steps } = fakeBackbone();
    const service = await fullService(backbone, steps);
    expect(steps).toEqual(['store.connect', 'topics.ensure', 'producer.connect', 'domain', 'http.listen', 'consumer.start', 'task.start']);
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(service.answer).toBe(42);
    expect(service.consumerJoined()).toBe(true);
    await service.stop();
  });

  it('stops backwards: tasks, consumer, HTTP server, domain resources, producer, store, and tracing last, so every span is exported', async () => {
    const { backbone, steps } = fakeBackbone();
    const service = await fullService(backbone, steps);
    steps.length = 0;
    await service.stop();
    expect(steps).toEqual(['task.stop', 'consumer.stop', 'http.close', 'domain.close', 'producer.disconnect', 'store.close', 'tracing.shutdown']);
  });

  it('stops only once when asked twice', async () => {
    const { backbone, steps } = fakeBackbone();
    const service = await fullService(backbone, steps);
    steps.length = 0;
    await Promise.all([service.stop(), service.stop()]);
    await service.stop();
    expect(steps.filter((step) => step === 'store.close')).toHaveLength(1);
  });

  it.each([
    ['topics.ensure', ['store.connect', 'topics.ensure', 'store.close', 'tracing.shutdown']],
    ['producer.connect', ['store.connect', 'topics.ensure', 'producer.connect', 'producer.disconnect', 'store.close', 'tracing.shutdown']],
    ['http.listen', ['store.connect', 'topics.ensure', 'producer.connect', 'domain', 'http.listen', 'domain.close', 'producer.disconnect', 'store.close', 'tracing.shutdown']],
    [
      'consumer.start',
      ['store.connect', 'topics.ensure', 'producer.connect', 'domain', 'http.listen', 'consumer.start', 'consumer.stop', 'http.close', 'domain.close', 'producer.disconnect', 'store.close', 'tracing.shutdown'],
    ],
  ])('closes everything opened so far, in reverse, when %s fails', async (failAt, expected) => {
    const { backbone, steps } = fakeBackbone(failAt);
    await expect(fullService(backbone, steps)).rejects.toMatchObject({ code: 'KAFKA_UNAVAILABLE', message: `${failAt} failed` });
    expect(steps).toEqual(expected);
  });

  it('stops the consumer and closes the rest when a background task fails to start', async () => {
    const { backbone, steps } = fakeBackbone();
    await expect(fullService(backbone, steps, { failingTask: true })).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(steps.slice(steps.indexOf('task.start'))).toEqual(['task.start', 'consumer.stop', 'http.close', 'domain.close', 'producer.disconnect', 'store.close', 'tracing.shutdown']);
  });

  it('still throws the start failure when closing after it fails too', async () => {
    const { backbone, steps } = fakeBackbone('consumer.start');
    const failingClose = { ...backbone, connectStore: async () => ({ ...(await backbone.connectStore({ uri: '', database: '' })), close: () => Promise.reject(new Error('close failed')) }) };
    await expect(fullService(failingClose, steps)).rejects.toMatchObject({ message: 'consumer.start failed' });
    expect(steps.at(-1)).toBe('tracing.shutdown');
  });

  it('gives the runner its topics, group and settings, probes the store, and lets the service set any other option', async () => {
    const { backbone, steps, seen } = fakeBackbone();
    const handleBatch = () => Promise.resolve();
    const service = await defineService(
      {
        name: 'builder-test',
        settings: spec,
        uses: (_settings: Settings) => ({ store: true, consumes: ['in'] }),
        domain: () => ({ consumer: { handleBatch, fromBeginning: false, probeIntervalMs: 250, stallCheckIntervalMs: 0 } }),
      },
      backbone,
    )(settings, quietLogger());
    const options = seen.runnerOptions;
    // The group's retry topic of what it consumes, where a redrive sends back what it parked.
    expect(options).toMatchObject({ groupId: 'builder-group', topics: ['in', 'in.retry.builder-group'], sessionTimeoutMs: 30_000, partitionsConsumedConcurrently: 3, stallAfterMs: 60_000 });
    expect(options).toMatchObject({ handleBatch, fromBeginning: false, probeIntervalMs: 250, stallCheckIntervalMs: 0 });
    expect(await options?.probe?.()).toBe(true);
    // Consuming without producing: no producer, and only the topics read (with their dead-letter and retry topics).
    expect(seen.producer).toBeUndefined();
    expect(seen.topics?.map((topic) => topic.name)).toEqual(['in', 'in.dlq', 'in.retry.builder-group']);
    expect(seen.topics?.find((topic) => topic.name === 'in.retry.builder-group')).toMatchObject({ partitionsLike: 'in', config: { 'retention.ms': '-1' } });
    expect(steps).not.toContain('producer.connect');
    await service.stop();
  });

  it('hands background tasks the store, the transactional producer, the consumer, the logger, the metrics and the settings', async () => {
    const { backbone, store } = fakeBackbone();
    const logger = quietLogger();
    let context: Record<string, unknown> = {};
    const service = await defineService(
      {
        name: 'builder-test',
        settings: spec,
        uses: (_settings: Settings) => ({ store: true, consumes: ['in'], produces: ['out'] }),
        domain: () => ({ consumer: { handleBatch: () => Promise.resolve() } }),
        tasks: [
          (given) => {
            context = { ...given };
            return { stop: () => Promise.resolve() };
          },
        ],
      },
      backbone,
    )(settings, logger);
    expect(context).toMatchObject({ store, consumer: service.consumer, logger, settings });
    expect(context['producer']).toHaveProperty('publishAndCommit');
    expect(context['metrics']).toHaveProperty('metrics');
    await service.stop();
  });

  it('runs an HTTP-only service with a plain producer and the store, and reports them in /readyz with its own checks', async () => {
    const { backbone, steps, seen } = fakeBackbone();
    const service = await defineService(
      {
        name: 'builder-test',
        settings: spec,
        uses: (_settings: Settings) => ({ store: true, produces: ['commands'] }),
        domain: () => ({ readiness: { ledger: () => true } }),
      },
      backbone,
    )(settings, quietLogger());
    expect(seen.producer).toBe('plain');
    expect(seen.topics?.map((topic) => topic.name)).toEqual(['commands']);
    const readyz = (await (await fetch(`${service.url}/readyz`)).json()) as { checks: Record<string, boolean> };
    expect(readyz.checks).toEqual({ store: true, kafka: true, ledger: true });
    await service.stop();
    expect(steps).toEqual(['store.connect', 'topics.ensure', 'producer.connect', 'http.listen', 'http.close', 'producer.disconnect', 'store.close', 'tracing.shutdown']);
  });

  it('opens nothing but the HTTP server for a service that uses nothing', async () => {
    const { backbone, steps } = fakeBackbone();
    const service = await defineService({ name: 'builder-test', settings: spec, uses: () => ({}), domain: () => ({}) }, backbone)(settings, quietLogger());
    const readyz = await fetch(`${service.url}/readyz`);
    expect(readyz.status).toBe(200);
    await service.stop();
    expect(steps).toEqual(['http.listen', 'http.close', 'tracing.shutdown']);
  });
});
