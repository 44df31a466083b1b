import { resolveAlias } from '@tributary/store';
import type { Io } from '../command.ts';
import type { ProjectionContext } from '../replay/context.ts';
import { createFolder } from '../replay/fold.ts';
import { committedOffsets, fetchBounds, partitionKey } from '../replay/offsets.ts';
import { progressReporter } from '../replay/report.ts';
import { collectionExists, replayGroupPrefix, stampOf } from '../replay/run.ts';
import { startTail } from '../replay/tail.ts';
import { usageError } from '../usage-error.ts';
import { compareCopies, formatComparison, type CompareOptions } from './compare.ts';

export interface VerifyOptions {
  /** Compare with this collection instead of a fresh rebuild. */
  readonly against?: string;
  readonly keepScratch: boolean;
  readonly json: boolean;
  readonly show: number;
}

/**
 * Builds a scratch copy from the first retained events up to the live group's committed offsets
 * (a copy of what the live one should be now), so verification needs nothing but the topics.
 */
const rebuildScratch = async (context: ProjectionContext, io: Io, json: boolean): Promise<{ scratch: string; movedOn: CompareOptions['movedOn'] }> => {
  const { admin, topics, definition, store } = context;
  const stamp = stampOf(new Date());
  const scratch = `${definition.collection}__verify_${stamp}`;
  const groupId = `${replayGroupPrefix}verify-${definition.name}-${stamp}`;
  const bounds = await fetchBounds(admin, topics);
  const committed = await committedOffsets(admin, context.liveGroup, topics);
  // Where the live group has not committed, it has read nothing yet: so does the rebuild.
  const target = new Map([...bounds.high].map(([key, high]) => [key, committed.get(key) ?? (committed.size > 0 ? bounds.low.get(key) ?? 0n : high)]));
  const folder = createFolder(store.db, scratch, definition);
  const tail = await startTail({ kafka: context.kafka, admin, codec: context.codec, groupId, topics, start: bounds.low, fold: (events) => folder.fold(events), documentOf: (event) => folder.documentOf(event) });
  try {
    const tick = progressReporter(io, json, tail, bounds.low);
    await tail.reach(target, () => tick('rebuild', target));
    tick('rebuild', target, true);
  } finally {
    await tail.stop();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return {
    scratch,
    movedOn: (positions) => positions.some((p) => BigInt(p.offset) >= (target.get(partitionKey(p.topic, p.partition)) ?? 0n)),
  };
};

export const runVerify = async (context: ProjectionContext, options: VerifyOptions, io: Io): Promise<number> => {
  const db = context.store.db;
  const live = await resolveAlias(db, context.definition.collection);
  if (options.against !== undefined && !(await collectionExists(db, options.against))) throw usageError(`--against ${options.against}: no such collection`);
  let scratch: string | undefined;
  try {
    let other = options.against;
    let movedOn: CompareOptions['movedOn'];
    if (other === undefined) {
      ({ scratch, movedOn } = await rebuildScratch(context, io, options.json));
      other = scratch;
    }
    const comparison = await compareCopies(db, live, other, { show: options.show, movedOn });
    if (options.json) io.out(JSON.stringify({ type: 'verify', projection: context.definition.name, ...comparison }));
    else for (const line of formatComparison(comparison, { left: 'live', right: scratch ? 'rebuild' : 'against' })) io.out(line);
    return comparison.identical ? 0 : 1;
  } finally {
    if (scratch !== undefined && !options.keepScratch) await db.collection(scratch).drop().catch(() => false);
    else if (scratch !== undefined) io.err(`scratch copy kept as ${scratch}`);
  }
};
