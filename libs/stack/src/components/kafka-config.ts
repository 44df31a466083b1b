import { randomBytes } from 'node:crypto';

export interface KafkaConfigInput {
  port: number;
  controllerPort: number;
  dataDir: string;
  host?: string;
  /** 1 for a single node. */
  nodeId?: number;
  /** controller.quorum.voters; this node alone by default. */
  voters?: string;
  /** The port clients and other brokers are told to dial; the listener's own by default. */
  advertisedPort?: number;
  /** Nodes in the cluster: 1, or 3 for replicated topics with an in-sync majority. */
  clusterSize?: number;
}

/**
 * Durability settings. One node can only keep one copy: the internal topics need a replication of 1,
 * or consumer groups never find a coordinator (kafkajs#1752). A cluster of three keeps three copies
 * of everything and takes a write only once two have it (acks=all), so losing any one node loses
 * no acknowledged record and stops no writer; a replica that fell behind never becomes leader.
 */
const replicationSettings = (clusterSize: number): string[] => {
  if (clusterSize === 1) return ['offsets.topic.replication.factor=1', 'transaction.state.log.replication.factor=1', 'transaction.state.log.min.isr=1'];
  return [
    `default.replication.factor=${clusterSize}`,
    'min.insync.replicas=2',
    'unclean.leader.election.enable=false',
    // __consumer_offsets takes its min ISR from min.insync.replicas above; there is no setting of its own.
    `offsets.topic.replication.factor=${clusterSize}`,
    `transaction.state.log.replication.factor=${clusterSize}`,
    'transaction.state.log.min.isr=2',
    // Fewer internal partitions than the default 50: each is a replica on every node, and a leader
    // move after a node loss elects each of them; 12 keep two cores' worth of work small.
    'offsets.topic.num.partitions=12',
    'transaction.state.log.num.partitions=12',
  ];
};

/** A KRaft node on loopback that is both broker and controller: alone, or one of a cluster. */
export const renderServerProperties = (input: KafkaConfigInput): string => {
  const { port, controllerPort, dataDir, host = '127.0.0.1', nodeId = 1, clusterSize = 1 } = input;
  return [
    '# Written by `tributary stack up` on every start; edits are overwritten.',
    'process.roles=broker,controller',
    `node.id=${nodeId}`,
    `controller.quorum.voters=${input.voters ?? `${nodeId}@${host}:${controllerPort}`}`,
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${input.advertisedPort ?? port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=6',
    // Topics are created on purpose by the platform; a typo must fail rather than make a topic.
    'auto.create.topics.enable=false',
    ...replicationSettings(clusterSize),
    // Tests start consumers right away; the default 3 s delay only slows the first rebalance.
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
};

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
