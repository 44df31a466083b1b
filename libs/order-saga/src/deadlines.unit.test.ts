import { describe, expect, it } from 'vitest';
import { deadlinesToAnnounce, openOrderStats, type OrderDeadline } from './deadlines.ts';

const placedAt = new Date('2026-01-01T10:00:00Z');
const deadline = (orderId: string, dueInMs: number, announcedAt: Date | null = null): OrderDeadline => ({
  orderId,
  partition: 0,
  placedAt,
  dueAt: new Date(placedAt.getTime() + dueInMs),
  announcedAt,
});
const at = (ms: number): Date => new Date(placedAt.getTime() + ms);

describe('open order deadlines', () => {
  it('announces the passed ones, and repeats an announcement only once it is old', () => {
    const open = [deadline('due', 1_000), deadline('later', 60_000), deadline('said-now', 1_000, at(1_500)), deadline('said-long-ago', 1_000, at(1_000))];
    expect(deadlinesToAnnounce(open, at(2_000), 10_000).map((d) => d.orderId)).toEqual(['due']);
    expect(deadlinesToAnnounce(open, at(11_000), 10_000).map((d) => d.orderId)).toEqual(['due', 'said-long-ago']);
  });

  it('counts the open orders and the age of the oldest', () => {
    expect(openOrderStats([deadline('a', 1_000), deadline('b', 1_000)], at(4_500))).toEqual({ count: 2, oldestAgeSeconds: 4.5 });
    expect(openOrderStats([], at(0))).toEqual({ count: 0, oldestAgeSeconds: 0 });
  });
});
