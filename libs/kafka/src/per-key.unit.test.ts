import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ConsumedEvent } from './runner/stage.ts';
import { groupByKey, handlePerKey } from './per-key.ts';

let offset = 0;
const record = (key: string | null): ConsumedEvent<unknown> => {
  offset += 1;
  return { topic: 't', partition: 0, offset: String(offset), key, timestamp: '0', headers: {}, event: {} as ConsumedEvent<unknown>['event'] };
};

describe('per-key handling', () => {
  it('groups a batch by key, keeping each key\'s records in order; keyless records stand alone', () => {
    const events = [record('a'), record('b'), record('a'), record(null), record(null)];
    expect(groupByKey(events).map((group) => group.map((e) => e.offset))).toEqual([[events[0]!.offset, events[2]!.offset], [events[1]!.offset], [events[3]!.offset], [events[4]!.offset]]);
  });

  it('handles one key in order while other keys run alongside', async () => {
    const events = [record('a'), record('b'), record('a')];
    const log: string[] = [];
    const results = await handlePerKey(events, 4, async (consumed) => {
      log.push(`${consumed.key}+${consumed.offset}`);
      await sleep(consumed.key === 'a' ? 20 : 1);
      log.push(`${consumed.key}-${consumed.offset}`);
      return [consumed.offset];
    });
    expect(results).toEqual([events[0]!.offset, events[2]!.offset, events[1]!.offset]);
    expect(log.indexOf(`a-${events[0]!.offset}`)).toBeLessThan(log.indexOf(`a+${events[2]!.offset}`));
    expect(log.indexOf(`b+${events[1]!.offset}`)).toBeLessThan(log.indexOf(`a-${events[0]!.offset}`));
  });
});
