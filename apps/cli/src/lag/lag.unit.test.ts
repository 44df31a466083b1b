import { describe, expect, it } from 'vitest';
import { formatGroupLag, formatKnownGroups } from './format.ts';
import { computeGroupLag, partitionLag, type GroupSnapshot } from './lag.ts';

const snapshot = (overrides: Partial<GroupSnapshot> = {}): GroupSnapshot => ({
  groupId: 'order-projector',
  state: 'Stable',
  members: [
    { memberId: 'order-projector-b', clientId: 'order-projector', host: '/10.0.0.2', assignment: { orders: [2, 1] } },
    { memberId: 'order-projector-a', clientId: 'order-projector', host: '/10.0.0.1', assignment: { orders: [0] } },
  ],
  committed: [
    { topic: 'orders', partition: 0, offset: '100' },
    { topic: 'orders', partition: 1, offset: '-1' },
    { topic: 'orders', partition: 2, offset: '40' },
  ],
  ends: {
    orders: [
      { partition: 2, high: '40', low: '0' },
      { partition: 0, high: '120', low: '0' },
      { partition: 1, high: '30', low: '5' },
    ],
  },
  ...overrides,
});

describe('consumer group lag', () => {
  it('is the distance from where the group resumes to the end of each partition', () => {
    expect(partitionLag(100n, 120n, 0n)).toBe(20n);
    expect(partitionLag(120n, 120n, 0n)).toBe(0n);
    // Nothing committed: our consumers start from the earliest offset still retained.
    expect(partitionLag(null, 30n, 5n)).toBe(25n);
    // Retention deleted what the commit pointed at: the consumer resets to the log start.
    expect(partitionLag(2n, 30n, 5n)).toBe(25n);
    // A commit past the end (topic recreated) is no negative lag.
    expect(partitionLag(50n, 30n, 0n)).toBe(0n);
  });

  it('lists every partition of a topic the group reads, who owns it, and totals the lag', () => {
    const lag = computeGroupLag(snapshot());
    expect(lag.members.map((m) => [m.label, m.memberId])).toEqual([['#1', 'order-projector-a'], ['#2', 'order-projector-b']]);
    expect(lag.partitions).toEqual([
      { topic: 'orders', partition: 0, committed: '100', end: '120', lag: 20, owner: '#1' },
      { topic: 'orders', partition: 1, committed: null, end: '30', lag: 25, owner: '#2' },
      { topic: 'orders', partition: 2, committed: '40', end: '40', lag: 0, owner: '#2' },
    ]);
    expect(lag.totalLag).toBe(45);
    expect(lag.topics).toEqual([{ topic: 'orders', lag: 45 }]);
  });

  it('shows an empty group by its commits alone, with no owners', () => {
    const lag = computeGroupLag(snapshot({ state: 'Empty', members: [] }));
    expect(lag.partitions.map((p) => p.owner)).toEqual([null, null, null]);
    expect(lag.totalLag).toBe(45);
  });

  it('prints a title, the members and one row per partition', () => {
    const lines = formatGroupLag(computeGroupLag(snapshot({ ends: { ...snapshot().ends, payments: [{ partition: 0, high: '1500', low: '0' }] }, committed: [...snapshot().committed, { topic: 'payments', partition: 0, offset: '0' }] })));
    expect(lines).toEqual([
      'group order-projector  state Stable  members 2  total lag 1,545',
      '  MEMBER  CLIENT           HOST       PARTITIONS   MEMBER ID',
      '  #1      order-projector  /10.0.0.1  orders[0]    order-projector-a',
      '  #2      order-projector  /10.0.0.2  orders[1,2]  order-projector-b',
      '  TOPIC     PARTITION  COMMITTED  END   LAG    OWNER',
      '  orders    0          100        120   20     #1',
      '  orders    1          -          30    25     #2',
      '  orders    2          40         40    0      #2',
      '  payments  0          0          1500  1,500  -',
      '  lag per topic: orders 45, payments 1,500',
    ]);
  });

  it('says so when a group has neither commits nor partitions', () => {
    expect(formatGroupLag(computeGroupLag(snapshot({ members: [], committed: [], ends: {} })))).toEqual([
      'group order-projector  state Stable  members 0  total lag 0',
      '  (no committed offsets and no assigned partitions)',
    ]);
  });
});

describe('formatKnownGroups', () => {
  it('names the groups that start most like the one asked for first, then the rest alphabetically', () => {
    expect(formatKnownGroups('order-projectr', ['zeta', 'inventory-service', 'order-projector', 'orders-service'])).toBe('order-projector, orders-service, inventory-service, zeta');
  });

  it('counts the groups past the ones it names', () => {
    expect(formatKnownGroups('a', ['b', 'c', 'd'], 2)).toBe('b, c and 1 more');
  });
});
