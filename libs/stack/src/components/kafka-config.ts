import { randomBytes } from 'node:crypto';

export interface KafkaConfigInput {
  port: number;
  controllerPort: number;
  dataDir: string;
  host?: string;
}

/**
 * A single-node KRaft broker+controller on loopback. The replication settings of 1 for internal
 * topics matter: without them consumer groups never find a coordinator on one node (kafkajs#1752).
 */
export const renderServerProperties = ({ port, controllerPort, dataDir, host = '127.0.0.1' }: KafkaConfigInput): string =>
  [
    '# Written by `tributary stack up` on every start; edits are overwritten.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${controllerPort}`,
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=6',
    // Topics are created on purpose by the platform; a typo must fail rather than make a topic.
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    // Tests start consumers right away; the default 3 s delay only slows the first rebalance.
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');

/**
 * Console output goes to the stack's kafka.log (stdout is redirected there). WARN keeps it short;
 * the server's start and stop lines stay at INFO so the log shows when the broker was up.
 */
export const renderLog4j2Properties = (): string =>
  [
    'status = warn',
    // Kafka stops itself on SIGTERM; log4j's own hook would race it and complain in the log.
    'shutdownHook = disable',
    'appender.console.type = Console',
    'appender.console.name = console',
    'appender.console.target = SYSTEM_OUT',
    'appender.console.layout.type = PatternLayout',
    'appender.console.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = WARN',
    'rootLogger.appenderRef.console.ref = console',
    'logger.raft.name = kafka.server.KafkaRaftServer',
    'logger.raft.level = INFO',
    '',
  ].join('\n');

/**
 * A cluster id as Kafka's StorageTool makes it (16 random bytes, base64url without padding),
 * generated here to save a JVM start. Like Kafka, skip ids starting with "-" (they read as flags) and the two reserved ids.
 */
export const newClusterId = (random: (size: number) => Buffer = randomBytes): string => {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-') && !/^A{21}[AQ]$/.test(id)) return id;
  }
};
