import { describe, expect, it } from 'vitest';
import { newClusterId, renderLog4j2Properties, renderServerProperties } from './kafka-config.ts';

const parse = (text: string): Map<string, string> =>
  new Map(
    text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

describe('renderServerProperties', () => {
  const properties = parse(renderServerProperties({ port: 19092, controllerPort: 19093, dataDir: '/s/kafka/data' }));

  it('runs one combined broker and controller on loopback', () => {
    expect(properties.get('process.roles')).toBe('broker,controller');
    expect(properties.get('controller.quorum.voters')).toBe('1@127.0.0.1:19093');
    expect(properties.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(properties.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092');
    expect(properties.get('log.dirs')).toBe('/s/kafka/data');
  });

  it('sizes internal topics for a single node so consumer groups find a coordinator', () => {
    expect(properties.get('offsets.topic.replication.factor')).toBe('1');
    expect(properties.get('transaction.state.log.replication.factor')).toBe('1');
    expect(properties.get('transaction.state.log.min.isr')).toBe('1');
  });

  it('uses the platform defaults for topics', () => {
    expect(properties.get('num.partitions')).toBe('6');
    expect(properties.get('auto.create.topics.enable')).toBe('false');
    expect(properties.get('group.initial.rebalance.delay.ms')).toBe('0');
  });
});

describe('renderServerProperties for a node of a cluster', () => {
  const properties = parse(
    renderServerProperties({ port: 17094, controllerPort: 17095, dataDir: '/s/kafka-2/data', nodeId: 2, voters: '1@127.0.0.1:17093,2@127.0.0.1:17095,3@127.0.0.1:17097', advertisedPort: 17194, clusterSize: 3 }),
  );

  it('joins the quorum of three under its own id, advertising the address it is reached at', () => {
    expect(properties.get('node.id')).toBe('2');
    expect(properties.get('controller.quorum.voters')).toBe('1@127.0.0.1:17093,2@127.0.0.1:17095,3@127.0.0.1:17097');
    expect(properties.get('listeners')).toBe('PLAINTEXT://127.0.0.1:17094,CONTROLLER://127.0.0.1:17095');
    expect(properties.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:17194');
  });

  it('keeps three copies, takes writes on two, and never elects a replica that fell behind', () => {
    expect(properties.get('default.replication.factor')).toBe('3');
    expect(properties.get('min.insync.replicas')).toBe('2');
    expect(properties.get('unclean.leader.election.enable')).toBe('false');
    expect(properties.get('offsets.topic.replication.factor')).toBe('3');
    expect(properties.get('transaction.state.log.replication.factor')).toBe('3');
    expect(properties.get('transaction.state.log.min.isr')).toBe('2');
  });
});

describe('renderLog4j2Properties', () => {
  it('logs warnings to the console, which the stack redirects to its log file', () => {
    const text = renderLog4j2Properties();
    expect(text).toContain('rootLogger.level = WARN');
    expect(text).toContain('appender.console.target = SYSTEM_OUT');
  });
});

describe('newClusterId', () => {
  it('is 22 characters of base64url', () => {
    expect(newClusterId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('skips ids that start with a dash or are reserved', () => {
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0), Buffer.from('0123456789abcdef')];
    expect(newClusterId(() => draws.shift()!)).toBe(Buffer.from('0123456789abcdef').toString('base64url'));
  });
});
