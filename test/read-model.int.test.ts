import { connectStore, openReadModel, type Projection, type Store } from '@tributary/store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from './support.ts';

interface Tally {
  count: number;
}
type Counted = { topic: string; partition: number; offset: string; doc: string };

const tally: Projection<Tally, Counted> = {
  documentId: (event) => event.doc,
  evolve: (view, _event) => ({ count: (view?.count ?? 0) + 1 }),
};

const events = (docs: readonly string[], partition: number, from: number): Counted[] =>
  docs.map((doc, i) => ({ topic: 't', partition, offset: String(from + i), doc }));

/** Two writers of one read model, each with its own memory of what it wrote, on the real store. */
describe('a read model written by two instances', () => {
  let store: Store;
  beforeAll(async () => {
    store = await connectStore({ uri: inject('backbone').mongoUri, database: uniqueName('read_model').replace(/-/g, '_') });
  });
  afterAll(async () => {
    await store.db.dropDatabase();
    await store.close();
  });

  it('re-reads only the documents whose write lost, and applies every event exactly once', async () => {
    const first = openReadModel<Tally>(store.db, 'tallies');
    const second = openReadModel<Tally>(store.db, 'tallies');
    const old = Array.from({ length: 150 }, (_, i) => `old-${i}`);
    const fresh = Array.from({ length: 150 }, (_, i) => `new-${i}`);

    expect((await first.apply(events(old, 0, 0), tally)).applied).toBe(150);
    // The second instance has never seen the old documents: its inserts of them lose and are retried.
    const mixed = await second.apply([...events([...old, ...fresh], 1, 0)], tally);
    expect(mixed).toMatchObject({ documents: 300, applied: 300, duplicates: 0 });
    // A redelivery to either instance changes nothing.
    expect((await first.apply(events(old, 0, 0), tally)).applied).toBe(0);
    expect((await second.apply(events([...old, ...fresh], 1, 0), tally)).applied).toBe(0);

    expect(await first.findById('old-7')).toMatchObject({ count: 2 });
    expect(await first.findById('new-7')).toMatchObject({ count: 1 });
    expect(await store.db.collection('tallies').countDocuments()).toBe(300);
  });

  it('lets exactly one of several concurrent writers of one document at one version win', async () => {
    const documents = store.db.collection<{ _id: string; _version: number; writer?: number }>('races');
    const rounds = 40;
    const winners: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      await documents.insertOne({ _id: `doc-${round}`, _version: 1 });
      const results = await Promise.all(Array.from({ length: 8 }, (_, writer) => documents.replaceOne({ _id: `doc-${round}`, _version: 1 }, { _version: 2, writer })));
      winners.push(results.reduce((sum, result) => sum + result.modifiedCount, 0));
    }
    // Compare-and-set is what keeps instances from overwriting each other's updates.
    expect(winners).toEqual(Array.from({ length: rounds }, () => 1));
  });
});
