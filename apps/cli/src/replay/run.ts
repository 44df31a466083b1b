import { hostname } from 'node:os';
import { TributaryError } from '@tributary/errors';
import { acquireLock, aliasTtlMs, resolveAlias, switchAlias } from '@tributary/store';
import type { Db } from 'mongodb';
import type { Io } from '../command.ts';
import type { ProjectionContext } from './context.ts';
import { createFolder, type HistoryFilter } from './fold.ts';
import { describeStart, type StartSpec } from './from.ts';
import { committedOffsets, countBetween, fetchBounds, maxOffsets, offsetsAt, splitKey, type Offsets, type TopicBounds } from './offsets.ts';
import { progressReporter } from './report.ts';
import { clearReplayState, loadReplayState, saveReplayState, type ReplayState } from './state.ts';
import { startTail, type Tail } from './tail.ts';

export interface ReplayOptions {
  readonly from: StartSpec;
  readonly to?: Date;
  readonly dryRun: boolean;
  readonly keepOld: boolean;
  readonly json: boolean;
  /** After the switch, how long the live projector may still write to the old copy: the alias TTL plus a batch. */
  readonly switchGraceMs?: number;
  /** Aborts between batches; the next run resumes. */
  readonly signal?: AbortSignal;
}

export const replayGroupPrefix = 'tributary-replay-';

/** UTC to the second, sortable, and valid in collection and group names: 20261122T041203. */
export const stampOf = (at: Date): string => at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '');

export const collectionExists = async (db: Db, name: string): Promise<boolean> => (await db.listCollections({ name }, { nameOnly: true }).toArray()).length > 0;

const startOffsets = async (context: ProjectionContext, spec: StartSpec, bounds: TopicBounds): Promise<Offsets> => {
  if (spec.kind === 'earliest') return new Map(bounds.low);
  if (spec.kind === 'time') return offsetsAt(context.admin, context.topics, spec.at, bounds);
  // Partitions not named start at their first event; an offset below it starts there too.
  return new Map([...bounds.low].map(([key, low]) => [key, maxOffsets(new Map([[key, low]]), new Map([[key, spec.offsets.get(key) ?? low]])).get(key) ?? low]));
};

/** True when the start is past the first retained event on some partition: documents older than it are kept. */
const startsLate = (start: Offsets, bounds: TopicBounds): boolean => [...start].some(([key, offset]) => offset > (bounds.low.get(key) ?? 0n));

const planLines = (context: ProjectionContext, start: Offsets, end: Offsets, live: string, shadow: string, group: string, options: ReplayOptions, late: boolean): string[] => [
  `plan: replay ${context.definition.name} --from ${describeStart(options.from)}${options.to ? ` --to ${options.to.toISOString()}` : ''}`,
  `  topics      ${context.topics.join(', ')}`,
  '  partition                           from          to      events',
  ...[...end].map(([key, to]) => {
    const { topic, partition } = splitKey(key);
    const from = start.get(key) ?? 0n;
    return `  ${`${topic}[${partition}]`.padEnd(30)} ${String(from).padStart(10)} ${String(to).padStart(11)} ${String(to > from ? to - from : 0n).padStart(11)}`;
  }),
  `  events      ${countBetween(start, end)} (records between the offsets, transaction markers included)`,
  `  live        ${live} (group ${context.liveGroup})`,
  `  shadow      ${shadow} (group ${group})`,
  ...(late ? [`  history     documents the live copy has touched since the start are re-derived from their whole history; the others are copied as they are`] : []),
  options.to
    ? `  afterwards  ${shadow} is kept for inspection, not switched (it stops at --to); compare it with tributary verify --against`
    : `  afterwards  readers switch to ${shadow} once it has caught up with ${context.liveGroup}; ${live} is ${options.keepOld ? 'kept' : 'dropped'}`,
];

class Interrupted extends Error {}

/** A store that refuses an index serves the queries by scanning: the copy is still complete. */
const createIndexes = async (db: Db, collection: string, definition: ProjectionContext['definition']): Promise<void> => {
  if (definition.indexes.length === 0) return;
  await db
    .collection(collection)
    .createIndexes(definition.indexes.map(({ name, key }) => ({ name, key: { ...key } })))
    .catch(() => undefined);
};

const waitFor = async (tail: Tail, target: Offsets, tick: (phase: string, target: Offsets, force?: boolean) => void, phase: string, signal?: AbortSignal) => {
  await tail.reach(target, () => {
    if (signal?.aborted) throw new Interrupted();
    tick(phase, target);
  });
  tick(phase, target, true);
};

/**
 * Copies the live documents no event at or after the start touched; the others are listed, to be
 * re-derived. A document's positions say which offsets of each partition it has applied.
 */
const copyUntouched = async (db: Db, live: string, shadow: string, start: Offsets): Promise<Set<string>> => {
  const touched = new Set<string>();
  let pending: { _id: string }[] = [];
  const flush = async () => {
    if (pending.length > 0) await db.collection<{ _id: string }>(shadow).insertMany(pending, { ordered: false });
    pending = [];
  };
  for await (const document of db.collection<{ _id: string; _positions?: { topic: string; partition: number; offset: string }[] }>(live).find({})) {
    const recent = (document._positions ?? []).some((p) => BigInt(p.offset) >= (start.get(`${p.topic}:${p.partition}`) ?? 0n));
    if (recent) touched.add(document._id);
    else pending.push(document);
    if (pending.length >= 1_000) await flush();
  }
  await flush();
  return touched;
};

export const runReplay = async (context: ProjectionContext, options: ReplayOptions, io: Io): Promise<number> => {
  const { definition, admin, store, topics } = context;
  const db = store.db;
  const bounds = await fetchBounds(admin, topics);
  const start = await startOffsets(context, options.from, bounds);
  const end = options.to ? await offsetsAt(admin, topics, options.to, bounds) : bounds.high;
  const live = await resolveAlias(db, definition.collection);
  const stamp = stampOf(new Date());
  const late = startsLate(start, bounds);
  const fromText = describeStart(options.from);
  const toText = options.to?.toISOString() ?? null;
  const say = (message: string) => (options.json ? io.out(JSON.stringify({ type: 'status', message })) : io.err(message));
  const fresh: ReplayState = {
    _id: definition.name,
    shadow: `${definition.collection}__${stamp}`,
    group: `${replayGroupPrefix}${definition.name}-${stamp}`,
    from: fromText,
    to: toText,
    phase: 'building',
    previous: live,
    startedAt: new Date(),
  };

  const found = await loadReplayState(db, definition.name);
  if (options.dryRun) {
    for (const line of planLines(context, start, end, live, found?.shadow ?? fresh.shadow, found?.group ?? fresh.group, options, late)) io.out(line);
    if (found) io.out(`  note        an interrupted replay into ${found.shadow} (--from ${found.from}) is on record; a run ${found.from === fromText && found.to === toText && found.from === 'earliest' ? 'resumes it' : 'restarts'}`);
    return 0;
  }

  const lock = await acquireLock(db, `replay:${definition.name}`, `${hostname()}:${process.pid}`);
  const heartbeat = setInterval(() => void lock.refresh().catch(() => undefined), 5_000);
  let tail: Tail | undefined;
  let state = fresh;
  try {
    let resumed = false;
    if (found?.phase === 'switched') {
      say(`resuming: readers were already switched to ${found.shadow}; finishing its final pass and retiring ${found.previous}`);
      state = found;
      resumed = true;
    } else if (found && found.from === 'earliest' && fromText === 'earliest' && found.to === toText && (await collectionExists(db, found.shadow))) {
      say(`resuming the interrupted replay into ${found.shadow} from the positions group ${found.group} committed`);
      state = found;
      resumed = true;
    } else if (found) {
      say(`restarting: the interrupted replay into ${found.shadow} (--from ${found.from}) cannot be resumed for --from ${fromText}; dropping it and its group`);
      await db.collection(found.shadow).drop().catch(() => false);
      await admin.deleteGroups([found.group]).catch(() => undefined);
      await clearReplayState(db, definition.name);
    }
    if (state.phase === 'building' && state.previous !== live) state = { ...state, previous: live };
    // Two replays within one second would name the same copy: the second must never build into the live one.
    for (let n = 2; !resumed && (state.shadow === live || (await collectionExists(db, state.shadow))); n += 1) {
      state = { ...state, shadow: `${definition.collection}__${stamp}_${n}` };
    }
    await saveReplayState(db, state);

    let filter: HistoryFilter | undefined;
    let from = start;
    if (!resumed) {
      if (late) {
        const touched = await copyUntouched(db, live, state.shadow, start);
        say(`copied the documents untouched since the start from ${live}; re-deriving ${touched.size} touched since`);
        // Touched documents need their whole history: read from the first event, folding only them before the start.
        if (touched.size > 0) {
          filter = { before: start, documents: touched };
          from = new Map(bounds.low);
        }
      }
    } else {
      from = new Map(bounds.low);
    }

    // Until the switch only the replay writes the copy; afterwards the live projector does too.
    const folder = createFolder(db, state.shadow, definition, filter);
    tail = await startTail({ kafka: context.kafka, admin, codec: context.codec, groupId: state.group, topics, start: from, fold: (events) => folder.fold(events), documentOf: (event) => folder.documentOf(event) });
    const tick = progressReporter(io, options.json, tail, from);
    const begun = Date.now();

    if (state.phase === 'building') {
      await waitFor(tail, end, tick, 'building', options.signal);
      // Bulk loading goes faster without secondary indexes; the queries need them before the switch.
      await createIndexes(db, state.shadow, definition);
      if (options.to) {
        await tail.stop();
        tail = undefined;
        await admin.deleteGroups([state.group]).catch(() => undefined);
        await clearReplayState(db, definition.name);
        say(`built ${state.shadow} as of ${options.to.toISOString()}; readers stay on ${live}. Compare: tributary verify ${definition.name} --against ${state.shadow}`);
        return 0;
      }
      // Events keep arriving: catch up with the end and the live group until the gap closes.
      for (let round = 0; round < 2; round += 1) {
        const target = maxOffsets((await fetchBounds(admin, topics)).high, await committedOffsets(admin, context.liveGroup, topics));
        await waitFor(tail, target, tick, 'catch-up', options.signal);
      }
      if ((await resolveAlias(db, definition.collection)) !== state.previous) {
        throw new TributaryError('CONFLICT', `${definition.collection} was switched to another copy during the replay; ${state.shadow} is left unswitched`);
      }
      await switchAlias(db, definition.collection, state.shadow, state.previous);
      state = { ...state, phase: 'switched' };
      await saveReplayState(db, state);
      say(`switched readers of ${definition.collection} from ${state.previous} to ${state.shadow}`);
    }

    // The live projector may write a last batch to the old copy until it sees the switch; the
    // shadow keeps reading past what the live group has committed by then. Folding twice is a no-op.
    await new Promise((resolve) => setTimeout(resolve, options.switchGraceMs ?? aliasTtlMs * 2 + 2_000));
    const final = maxOffsets((await fetchBounds(admin, topics)).high, await committedOffsets(admin, context.liveGroup, topics));
    await waitFor(tail, final, tick, 'final', undefined);
    const counts = tail.counts();
    await tail.stop();
    tail = undefined;
    await admin.deleteGroups([state.group]).catch(() => undefined);

    let retired: string;
    if (state.previous === state.shadow) retired = 'nothing to retire';
    else if (options.keepOld) {
      const kept = state.previous === definition.collection ? `${definition.collection}__retired_${stamp}` : state.previous;
      if (kept !== state.previous && (await collectionExists(db, state.previous))) await db.collection(state.previous).rename(kept);
      retired = `${state.previous} kept as ${kept}`;
    } else {
      await db.collection(state.previous).drop().catch(() => false);
      retired = `${state.previous} dropped`;
    }
    await clearReplayState(db, definition.name);
    const seconds = (Date.now() - begun) / 1000;
    const summary = { type: 'done', projection: definition.name, live: state.shadow, retired, seconds, ...counts, rejected: folder.rejected() };
    if (options.json) io.out(JSON.stringify(summary));
    else io.err(`done in ${seconds.toFixed(1)} s (${counts.records} records, ${counts.applied} applied, ${counts.undecodable} undecodable): ${definition.collection} is served by ${state.shadow}; ${retired}${folder.rejected() > 0 ? `; ${folder.rejected()} events the projection rejected were left out` : ''}`);
    return 0;
  } catch (error) {
    if (error instanceof Interrupted) {
      say(`interrupted: ${state.shadow} stays unswitched and readers stay on ${state.previous}; run the same command again to resume or restart`);
      return 130;
    }
    throw error;
  } finally {
    clearInterval(heartbeat);
    await tail?.stop().catch(() => undefined);
    await lock.release().catch(() => undefined);
  }
};
