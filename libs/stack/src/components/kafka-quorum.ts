import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stackPaths } from '../layout.ts';
import type { StackOptions } from '../options.ts';
import { newClusterId } from './kafka-config.ts';
import { kafkaNodes } from './kafka-nodes.ts';

/**
 * Every node of a cluster is formatted with the same cluster id, kept in the stack folder. The
 * exclusive create makes the nodes that prepare at the same moment agree on one id.
 */
export const sharedClusterId = (stackDir: string): string => {
  const file = join(stackDir, 'kafka-cluster-id');
  try {
    writeFileSync(file, `${newClusterId()}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
};

interface QuorumState {
  leaderId: number;
  leaderEpoch: number;
}

/**
 * A KRaft node writes the quorum leader it follows, and that leader's epoch, to quorum-state in its
 * metadata log folder whenever either changes. The highest epoch any node has seen names the
 * active controller; a node that is stopped or cut off still shows an older one.
 */
export const parseQuorumState = (text: string): QuorumState | undefined => {
  try {
    const { leaderId, leaderEpoch } = JSON.parse(text) as Partial<QuorumState>;
    return typeof leaderId === 'number' && typeof leaderEpoch === 'number' ? { leaderId, leaderEpoch } : undefined;
  } catch {
    return undefined;
  }
};

export const newestLeader = (states: readonly (QuorumState | undefined)[]): number | undefined => {
  const known = states.filter((state): state is QuorumState => state !== undefined && state.leaderId >= 0);
  const newest = known.reduce<QuorumState | undefined>((best, state) => (!best || state.leaderEpoch > best.leaderEpoch ? state : best), undefined);
  return newest?.leaderId;
};

/** The node id of the active controller as the nodes' own files tell it, or undefined before a leader was elected. */
export const activeController = async (options: StackOptions): Promise<number | undefined> => {
  const states = await Promise.all(
    kafkaNodes(options).map(async (node) => {
      const file = join(stackPaths(options.stackDir, node.name).data, '__cluster_metadata-0', 'quorum-state');
      return parseQuorumState(await readFile(file, 'utf8').catch(() => ''));
    }),
  );
  return newestLeader(states);
};
