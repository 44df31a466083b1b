import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '@tributary/cli';
import { commands } from '@tributary/cli/commands';
import { createAvroCodec, loadSchemaCatalog } from '@tributary/avro';
import { checkAgainstRegistry, registerSchemas, topicsWithPrefix } from '@tributary/contracts';
import { createEventProducer, ensureTopics, eventTopic } from '@tributary/kafka';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { testKafka, uniqueName } from './support.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));
const root = { name: 'tributary', summary: 'test', subcommands: commands };
// Subjects are <prefix><stream>-<record>: this file's own, never another test's.
const prefix = `${uniqueName('contracts')}-`;
const topicFor = topicsWithPrefix(prefix);
const placedSubject = `${prefix}orders-io.tributary.orders.OrderPlaced`;

/** The repo's schemas plus the planted OrderPlaced v3 that drops `currency` (no default). */
const planted = mkdtempSync(join(tmpdir(), 'tributary-planted-'));
cpSync(join(repo, 'schemas/avro'), planted, { recursive: true });
cpSync(join(repo, 'libs/contracts/test-fixtures/incompatible'), planted, { recursive: true });
afterAll(() => rmSync(planted, { recursive: true, force: true }));

const tributary = async (...args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(root, args, { out: (text) => out.push(text), err: (text) => err.push(text), env: { SCHEMA_REGISTRY_URL: inject('backbone').registryUrl } });
  return { code, out: out.join('\n'), err: err.join('\n') };
};

describe('schemas register against the real registry', () => {
  it('registers every version with its level, and a second run registers nothing new', async () => {
    const registryUrl = inject('backbone').registryUrl;
    const first = await registerSchemas({ registryUrl, topicFor });
    expect(first.failed).toBe(false);
    expect(first.versions.every((v) => v.outcome === 'registered')).toBe(true);
    expect(first.versions.filter((v) => v.subject === placedSubject).map((v) => [v.version, v.registryVersion])).toEqual([[1, 1], [2, 2]]);
    expect(first.levels.find((l) => l.subject === placedSubject)).toMatchObject({ level: 'FULL_TRANSITIVE', outcome: 'set' });

    const second = await tributary('schemas', 'register', '--topic-prefix', prefix);
    expect(second.out).toContain(`${placedSubject}  v2 unchanged (registry version 2`);
    expect(second.out).toMatch(/nothing new: \d+ versions already registered, \d+ levels already set$/);
    expect(second.code).toBe(0);
  });

  it('is refused by the registry too when a version breaks the subject level, and says so', async () => {
    const registryUrl = inject('backbone').registryUrl;
    const checks = await checkAgainstRegistry({ registryUrl, dir: planted, topicFor });
    expect(checks.find((c) => c.subject === placedSubject)?.versions.map((v) => v.state)).toEqual(['registered', 'registered', 'incompatible']);

    const { code, out, err } = await tributary('schemas', 'register', '--topic-prefix', prefix, '--dir', planted);
    expect(out).toContain(`${placedSubject}  v3 refused`);
    expect(err).toContain(`refused: the registry will not take ${placedSubject} v3`);
    expect(code).toBe(1);

    const after = await registerSchemas({ registryUrl, dir: planted, topicFor });
    expect(after.versions.filter((v) => v.subject === placedSubject).map((v) => v.outcome)).toEqual(['unchanged', 'unchanged', 'refused']);
  });

  it('schemas check reports the planted version as failing locally and at the registry', async () => {
    const { code, out } = await tributary('schemas', 'check', '--topic-prefix', prefix, '--dir', planted);
    expect(out).toContain('OrderPlaced v3 removes field `currency` which has no default: consumers on v2 cannot read v3');
    expect(out).toContain(`the registry (level FULL_TRANSITIVE) refuses OrderPlaced v3 as the next version of ${placedSubject}`);
    expect(code).toBe(1);
  });

  it('never produces the planted version: a producer holding it is refused before anything is sent', async () => {
    const topic = `${prefix}orders`;
    await ensureTopics(testKafka(), [eventTopic(topic, 1, 1)]);
    const codec = createAvroCodec({ registryUrl: inject('backbone').registryUrl, catalog: loadSchemaCatalog(planted) });
    const producer = createEventProducer({ kafka: testKafka(), codec, producerName: 'contracts-test' });
    await producer.connect();
    const admin = testKafka().admin();
    await admin.connect();
    const before = await admin.fetchTopicOffsets(topic);
    const v3 = { orderId: 'o-3', customerId: 'c-1', items: [], placedAt: new Date(), channel: 'WEB', promoCode: null };
    await expect(producer.publish(topic, [{ key: 'o-3', eventType: 'OrderPlaced', version: 3, payload: v3 }])).rejects.toMatchObject({ code: 'SCHEMA_INCOMPATIBLE' });
    expect(await admin.fetchTopicOffsets(topic)).toEqual(before);
    await admin.disconnect();
    await producer.disconnect();
  });
});
