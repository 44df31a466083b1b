import type { Db } from 'mongodb';

/**
 * What an unfinished replay leaves behind, so the next run can say what it found and resume or
 * restart: the shadow collection being built, its consumer group, and how far the run had got.
 */
export interface ReplayState {
  _id: string;
  shadow: string;
  group: string;
  /** The --from and --to the copy is being built for; a resume needs the same. */
  from: string;
  to: string | null;
  /** building: the shadow is not live. switched: readers moved to it; the final pass and clean-up remain. */
  phase: 'building' | 'switched';
  /** The collection the shadow replaces. */
  previous: string;
  startedAt: Date;
}

export const replayStatesCollection = '_read_model_replays';

const states = (db: Db) => db.collection<ReplayState>(replayStatesCollection);

export const loadReplayState = (db: Db, projection: string): Promise<ReplayState | null> => states(db).findOne({ _id: projection });

export const saveReplayState = async (db: Db, state: ReplayState): Promise<void> => {
  await states(db).replaceOne({ _id: state._id }, state, { upsert: true });
};

export const clearReplayState = async (db: Db, projection: string): Promise<void> => {
  await states(db).deleteOne({ _id: projection });
};
