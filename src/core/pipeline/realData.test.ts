import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runExperiment } from './run';
import { datasetFrom } from '../models/intensity/testSupport';
import { movieLens, type Skip } from '../../testing/sharedData';

/** MovieLens latest-small (100,836 ratings), read in place; a minimal CSV reader independent of core/data/ingest. */
function movieLensSmall(skip: Skip) {
  const text = readFileSync(join(movieLens(skip, 'ratings.csv'), 'ratings.csv'), 'utf8');
  const users = new Map<string, number>();
  const items = new Map<string, number>();
  const events: [number, number, number][] = [];
  for (const line of text.split('\n').slice(1)) {
    if (!line) continue;
    const [u, i, , t] = line.split(',');
    if (!users.has(u)) users.set(u, users.size);
    if (!items.has(i)) items.set(i, items.size);
    events.push([users.get(u)!, items.get(i)!, Number(t)]);
  }
  return datasetFrom(events, users.size, items.size);
}

describe('runExperiment on MovieLens latest-small', () => {
  it('splits by user (rime ML-1M protocol), fits every intensity; in UserRec Hawkes and HP beat Pop and Rand', async ({
    skip,
  }) => {
    const ds = movieLensSmall(skip);
    expect(ds.user.length).toBe(100836);
    const res = await runExperiment(ds, {
      split: { kind: 'user' },
      models: ['Pop', 'EMA', 'Hawkes', 'HP', 'Rand'],
      seed: 1,
    });
    if (!res.ok) throw new Error(res.reason);
    const r = res.data;
    expect(Object.keys(r.failed)).toEqual([]);
    for (const m of ['Pop', 'EMA', 'Hawkes', 'HP', 'Rand']) {
      for (const v of Object.values(r.item_rec[m])) expect(Number.isFinite(v)).toBe(true);
      for (const v of Object.values(r.user_rec[m])) expect(Number.isFinite(v)).toBe(true);
    }
    expect(r.user_rec.Hawkes.recall).toBeGreaterThan(2 * r.user_rec.Rand.recall);
    expect(r.user_rec.Hawkes.recall).toBeGreaterThan(r.user_rec.Pop.recall);
    expect(r.user_rec.HP.recall).toBeGreaterThan(r.user_rec.Pop.recall);
    expect(r.item_rec.Pop.recall).toBeGreaterThan(r.item_rec.Rand.recall);
  });
});
