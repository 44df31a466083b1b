import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { activeController, completeOptions, kafkaNodes, nodePorts, stackDown, stackEndpoints, stackUp, type KafkaRoutes, type StackCallOptions, type StackEndpoints } from '@tributary/stack';
import { startTcpProxy, type TcpProxy } from '../tcp-proxy.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The cluster fault suite's own three-node backbone, apart from every other stack: node n listens
 * on 17092 + 2(n-1) (controller 17093 + 2(n-1)). Every path between nodes and to them goes through
 * a TCP proxy of this process, so a test can cut one node off the network while it keeps running:
 *   - clients and the other brokers reach node n at 17190 + 2n (its advertised listener);
 *   - node `from` reaches node `to`'s controller at 17200 + 10·from + to.
 * Cutting node n's proxies (its advertised one, and the controller ones from and to it) leaves it
 * no connection in or out but those it makes to the others' brokers, which only fetch: it stops
 * heartbeating to the quorum, so the controller fences it, as a network partition would.
 */
const routes: KafkaRoutes = {
  advertisedPort: (node) => 17190 + 2 * node,
  controllerPort: (from, to) => 17200 + 10 * from + to,
};

export const clusterStack: StackCallOptions = {
  stackDir: process.env['TRIBUTARY_CLUSTER_FAULTS_STACK_DIR'] ?? join(root, '.tributary', 'faults-cluster'),
  brokers: 3,
  ports: { kafka: 17092, kafkaController: 17093, registry: 17081, store: 17017, jaegerUi: 17686, jaegerGrpc: 17685, otlpHttp: 17318, otlpGrpc: 17317 },
  kafkaRoutes: routes,
  onProgress: (line) => console.log(`[cluster backbone] ${line}`),
};

const options = completeOptions(clusterStack);
export const nodeIds = kafkaNodes(options).map((node) => node.id);

/** What the services get: every node's proxied address. Known before anything starts. */
export const clusterEndpoints = (): StackEndpoints => stackEndpoints(options);

interface NodeProxies {
  /** Every proxy whose cut isolates the node. */
  all: TcpProxy[];
}

export interface Cluster {
  /** Cuts every path to and from the node's broker and controller. */
  cutOff(node: number): void;
  reconnect(node: number): void;
  pidOf(node: number): Promise<number>;
  /** The quorum leader, from the nodes' own files. */
  activeController(): Promise<number | undefined>;
  /** Starts what is not running (a killed node) and waits until it is healthy. */
  startMissing(): Promise<void>;
  /** A clean stop of one node (SIGTERM: it hands its leaderships over first). */
  stopNode(node: number): Promise<void>;
  stop(): Promise<void>;
}

const startProxies = async (): Promise<Map<number, NodeProxies>> => {
  const byNode = new Map<number, NodeProxies>(nodeIds.map((id) => [id, { all: [] }]));
  for (const to of nodeIds) {
    const advertised = await startTcpProxy(nodePorts(options.ports, to).port, '127.0.0.1', routes.advertisedPort(to));
    byNode.get(to)?.all.push(advertised);
    for (const from of nodeIds.filter((id) => id !== to)) {
      const controller = await startTcpProxy(nodePorts(options.ports, to).controllerPort, '127.0.0.1', routes.controllerPort(from, to));
      byNode.get(to)?.all.push(controller);
      byNode.get(from)?.all.push(controller);
    }
  }
  return byNode;
};

/** The proxies first, so the nodes find their quorum at the addresses they were given; then the stack. */
export const startCluster = async (): Promise<Cluster> => {
  const proxies = await startProxies();
  const closeProxies = async (): Promise<void> => {
    await Promise.all([...new Set([...proxies.values()].flatMap((node) => node.all))].map((proxy) => proxy.close()));
  };
  try {
    await stackUp(clusterStack);
  } catch (error) {
    await stackDown(clusterStack).catch(() => undefined);
    await closeProxies();
    throw error;
  }
  const proxiesOf = (node: number): TcpProxy[] => proxies.get(node)?.all ?? [];
  return {
    cutOff: (node) => proxiesOf(node).forEach((proxy) => proxy.cut()),
    // A proxy shared with another cut node stays cut only while that node is cut: one node at a time here.
    reconnect: (node) => proxiesOf(node).forEach((proxy) => proxy.restore()),
    pidOf: async (node) => Number((await readFile(join(options.stackDir, 'run', `kafka-${node}.pid`), 'utf8')).trim()),
    activeController: () => activeController(options),
    startMissing: async () => {
      await stackUp(clusterStack);
    },
    stopNode: (node) => stackDown({ ...clusterStack, only: [`kafka-${node}`] }),
    stop: async () => {
      // Never kept: without this process's proxies the nodes could not reach each other.
      await stackDown(clusterStack);
      await closeProxies();
    },
  };
};
