import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { TributaryError } from '@tributary/errors';
import { ensureInstalled } from '../cache.ts';
import type { Component } from '../component.ts';
import { stackPaths } from '../layout.ts';
import { isPortOpen, loopback } from '../network.ts';
import { requireMaven } from '../prerequisites.ts';
import { lastLines, runCommand } from '../run.ts';
import { versions } from '../versions.ts';
import { newClusterId, renderLog4j2Properties, renderServerProperties } from './kafka-config.ts';
import { sharedClusterId } from './kafka-quorum.ts';
import { kafkaNodes, type KafkaNode } from './kafka-nodes.ts';
import type { StackOptions } from '../options.ts';

/** A pom with no code of its own: Maven resolves the broker's runtime classpath from it. */
const classpathPom = (): string => `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.tributary.stack</groupId>
  <artifactId>kafka-classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_${versions.kafkaScala}</artifactId>
      <version>${versions.kafka}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>${versions.log4jSlf4j}</version>
    </dependency>
  </dependencies>
</project>
`;

const installKafka = async (staging: string): Promise<void> => {
  await requireMaven();
  await writeFile(join(staging, 'pom.xml'), classpathPom());
  const libs = join(staging, 'libs');
  const result = await runCommand('mvn', [
    '-q', '-B', '-f', join(staging, 'pom.xml'),
    'dependency:copy-dependencies', `-DoutputDirectory=${libs}`, '-DincludeScope=runtime',
  ]);
  const brokerJar = `kafka_${versions.kafkaScala}-${versions.kafka}.jar`;
  if (result.code !== 0 || !existsSync(join(libs, brokerJar))) {
    throw new TributaryError(
      'DOWNLOAD_FAILED',
      `Maven could not fetch Apache Kafka ${versions.kafka} from Maven Central; check network access or the proxy in ~/.m2/settings.xml, then retry. Maven said:\n${lastLines(result.output, 15)}`,
      { details: { exitCode: result.code } },
    );
  }
};

const formatStorage = async (java: string, classpath: string, propertiesFile: string, dataDir: string, clusterId: string): Promise<void> => {
  const entries = existsSync(dataDir) ? await readdir(dataDir) : [];
  if (entries.includes('meta.properties')) return;
  // Passing --standalone here would clash with controller.quorum.voters, which the config sets.
  const result = await runCommand(java, ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propertiesFile]);
  if (result.code !== 0) {
    throw new TributaryError(
      'STACK_START_FAILED',
      `Kafka could not format its storage in ${dataDir}; delete that folder to start with empty data. The storage tool said:\n${lastLines(result.output, 15)}`,
    );
  }
};

/**
 * True once the node at `port` answers and the cluster counts the broker `nodeId` among its live,
 * unfenced brokers (any broker, for a single node).
 */
export const isKafkaHealthy = async (port: number, nodeId?: number): Promise<boolean> => {
  // Only once the broker listens: a client connecting earlier can connect to itself and hold the port.
  if (!(await isPortOpen(port))) return false;
  const kafka = new Kafka({
    clientId: 'tributary-stack-health',
    brokers: [`${loopback}:${port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    // A registered, unfenced broker is what producers and consumer groups need, not just a socket.
    const { brokers } = await admin.describeCluster();
    return nodeId === undefined ? brokers.length > 0 : brokers.some((broker) => broker.nodeId === nodeId);
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
};

const install: Component['install'] = ({ options, onProgress }) =>
  ensureInstalled({
    cacheDir: options.cacheDir,
    name: `kafka-${versions.kafka}`,
    description: `Apache Kafka ${versions.kafka} (broker jars from Maven Central)`,
    build: installKafka,
    onProgress,
  });

/** One node's component: `kafka` alone, or `kafka-<n>` of a cluster, each with its own folder and ports. */
const kafkaNodeComponent = (node: KafkaNode, clusterSize: number): Component => ({
  name: node.name,
  ports: () => [node.port, node.controllerPort],
  address: () => `${loopback}:${node.advertisedPort}`,
  needsJava: true,
  // Three JVMs starting at once on two cores take longer than one.
  startTimeoutMs: 90_000 * clusterSize,
  stopGraceMs: 30_000,
  install,
  prepare: async ({ options, java }, installDir) => {
    const paths = stackPaths(options.stackDir, node.name);
    await mkdir(paths.data, { recursive: true });
    const propertiesFile = join(paths.home, 'server.properties');
    const log4jFile = join(paths.home, 'log4j2.properties');
    await writeFile(propertiesFile, renderServerProperties({ ...node, nodeId: node.id, dataDir: paths.data, clusterSize }));
    await writeFile(log4jFile, renderLog4j2Properties());
    const javaCommand = await java();
    // The JVM expands the trailing '*' itself, so no shell is involved.
    const classpath = join(installDir, 'libs', '*');
    await formatStorage(javaCommand, classpath, propertiesFile, paths.data, clusterSize === 1 ? newClusterId() : sharedClusterId(options.stackDir));
    return {
      command: javaCommand,
      args: [
        // Bounded, so three nodes and the services fit a small machine.
        '-Xmx512m',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${log4jFile}`,
        `-Dkafka.logs.dir=${paths.logDir}`,
        '-cp', classpath,
        'kafka.Kafka', propertiesFile,
      ],
      cwd: paths.home,
    };
  },
  isHealthy: () => isKafkaHealthy(node.port, clusterSize === 1 ? undefined : node.id),
});

/** The Kafka processes of a stack: one node, or every node of its cluster. */
export const kafkaComponents = (options: StackOptions): Component[] => kafkaNodes(options).map((node) => kafkaNodeComponent(node, options.brokers));
