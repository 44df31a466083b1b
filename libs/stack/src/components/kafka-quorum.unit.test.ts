import { describe, expect, it } from 'vitest';
import { newestLeader, parseQuorumState } from './kafka-quorum.ts';

describe('the active controller from the nodes quorum-state files', () => {
  it('reads the leader and its epoch', () => {
    expect(parseQuorumState('{"clusterId":"","leaderId":2,"leaderEpoch":1,"votedId":-1,"data_version":0}')).toEqual({ leaderId: 2, leaderEpoch: 1 });
    expect(parseQuorumState('')).toBeUndefined();
  });

  it('trusts the highest epoch, so a node that missed an election does not name the old leader', () => {
    expect(newestLeader([{ leaderId: 2, leaderEpoch: 1 }, { leaderId: 3, leaderEpoch: 2 }, undefined])).toBe(3);
  });

  it('names nobody while no leader is known', () => {
    expect(newestLeader([{ leaderId: -1, leaderEpoch: 4 }, undefined])).toBeUndefined();
  });
});
