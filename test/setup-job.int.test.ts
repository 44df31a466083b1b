// What the deployment setup job runs (compose's `setup` service, the Helm pre-install/pre-upgrade
// hook): `tributary topics ensure`, then `tributary schemas register`, each with the environment
// the job gives it. Run twice, as every `docker compose up` and `helm upgrade` does, the second run
// changes nothing.
import { runCli } from '@tributary/cli';
import { commands } from '@tributary/cli/commands';
import { eventTopicConfig } from '@tributary/kafka';
import kafkajs from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { testKafka, uniqueName } from './support.ts';

const root = { name: 'tributary', summary: 'test', subcommands: commands };
// Topics and subjects are <prefix><stream>, as in a deployment with one prefix for every stream.
const prefix = `${uniqueName('setup')}.`;
const streams = { orders: `${prefix}orders`, inventory: `${prefix}inventory`, payments: `${prefix}payments` };

const setupEnvironment = () => {
  const backbone = inject('backbone');
  return {
    KAFKA_BROKERS: backbone.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: backbone.registryUrl,
    ORDERS_TOPIC: streams.orders,
    INVENTORY_TOPIC: streams.inventory,
    PAYMENTS_TOPIC: streams.payments,
    TOPIC_PARTITIONS: '3',
    TOPIC_REPLICATION_FACTOR: '1',
    TRIBUTARY_TOPIC_PREFIX: prefix,
  };
};

const tributary = async (...args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(root, args, { out: (text) => out.push(text), err: (text) => err.push(text), env: setupEnvironment() });
  return { code, out: out.join('\n'), err: err.join('\n') };
};

/** Partitions and the settings eventTopicConfig names, per topic, as the broker reports them. */
const describeTopics = async (names: readonly string[]) => {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [...names] });
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: names.map((name) => ({ type: kafkajs.ConfigResourceTypes.TOPIC, name, configNames: Object.keys(eventTopicConfig) })),
    });
    return Object.fromEntries(
      names.map((name) => [
        name,
        {
          partitions: topics.find((topic) => topic.name === name)?.partitions.length,
          config: Object.fromEntries(resources.find((r) => r.resourceName === name)?.configEntries.map((e) => [e.configName, e.configValue]) ?? []),
        },
      ]),
    );
  } finally {
    await admin.disconnect();
  }
};

/** "<subject>  v<N> <outcome> (registry version <V>, id <ID>)" lines: subject and version -> schema id. */
const schemaIds = (out: string): Map<string, string> =>
  new Map([...out.matchAll(/^(\S+)\s+v(\d+) (?:registered|unchanged) \(registry version \d+, id (\d+)\)$/gm)].map((m) => [`${m[1]} v${m[2]}`, m[3] as string]));

describe('the setup job: topics ensured, schemas registered, twice', () => {
  it('creates every stream and its dead-letter topic with the services\' settings, and a second run leaves them as they are', async () => {
    const first = await tributary('topics', 'ensure', '--partitions', `${streams.orders}=4`);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/topics: 6 created, 0 already there$/);

    const names = Object.values(streams).flatMap((topic) => [topic, `${topic}.dlq`]);
    const described = await describeTopics(names);
    for (const name of names) {
      expect(described[name], name).toEqual({ partitions: name.startsWith(streams.orders) ? 4 : 3, config: eventTopicConfig });
    }

    const second = await tributary('topics', 'ensure', '--partitions', `${streams.orders}=4`);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toMatch(/topics: 0 created, 6 already there$/);
    expect(second.out).not.toContain('left unchanged');
    expect(await describeTopics(names)).toEqual(described);
  });

  it('reports a topic whose partition count differs from the settings, and leaves it unchanged', async () => {
    const { code, out, err } = await tributary('topics', 'ensure');
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^${streams.orders.replaceAll('.', '\\.')}\\s+4\\s+1\\s+-1\\s+exists; wanted 3 partitions, left unchanged$`, 'm'));
    expect(err).toContain(`topics: ${streams.orders} exists with another partition count; it is left unchanged`);
    expect((await describeTopics([streams.orders]))[streams.orders]?.partitions).toBe(4);
  });

  it('registers every schema under the streams\' topics, and a second run answers the same ids', async () => {
    const first = await tributary('schemas', 'register');
    expect(first.code, first.err).toBe(0);
    const registered = schemaIds(first.out);
    expect([...registered.keys()]).toContain(`${streams.orders}-io.tributary.orders.OrderPlaced v2`);
    expect([...registered.keys()]).toContain(`${streams.payments}-io.tributary.payments.PaymentDeclined v1`);

    const second = await tributary('schemas', 'register');
    expect(second.code, second.err).toBe(0);
    expect(second.out).toMatch(/nothing new: \d+ versions already registered, \d+ levels already set$/);
    expect(schemaIds(second.out)).toEqual(registered);
  });
});
