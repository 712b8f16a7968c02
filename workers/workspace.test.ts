import 'fake-indexeddb/auto';
import { createStore, del, keys, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import type { ExperimentResult } from '../src/core/pipeline/run';
import type { KeptScores } from '../src/core/pipeline/keep';
import type { Dataset } from '../src/core/data/types';
import { createWorkspaceStore, loadKeptScores, loadValidScores, type SavedData, type SavedRun } from './workspace';

const kept = (x: number): KeptScores => ({
  test: Float32Array.of(x, x + 1),
  valid: Float32Array.of(x + 2),
  lambda: null,
  hasP: false,
});
const run = (savedAt: number, models: string[]): SavedRun => ({
  source: 'tiny',
  config: { split: { kind: 'temporal' }, models, seed: 1 },
  result: { item_rec: {}, user_rec: {} } as unknown as ExperimentResult,
  kept: models.map((m, i) => [m, kept(10 * i + savedAt)]),
  savedAt,
});

const data = (source: string, savedAt: number): SavedData => ({
  source,
  savedAt,
  dataset: {
    user: Int32Array.of(0),
    item: Int32Array.of(0),
    time: Float64Array.of(1),
    userOffsets: Int32Array.of(0, 1),
    itemCounts: Int32Array.of(1),
    userIds: ['u'],
    itemIds: ['i'],
    nUsers: 1,
    nItems: 1,
  } as Dataset,
});

describe('workspace store', () => {
  it('two tabs saving at once: the saved data and run belong together and the run reads back whole', async () => {
    // Two stores on one database stand for two tabs. Their saves are started together, so that without a writer's
    // lock one's cleanup of "older" scores deletes the other's scores between its writes.
    const a = createWorkspaceStore('t-ws-tabs', 'ws');
    const b = createWorkspaceStore('t-ws-tabs', 'ws');
    const dA = data('a.csv', 10);
    const dB = data('b.csv', 20);
    await a.saveData(dA);
    await b.saveData(dB);
    const runA = { ...run(11, ['Pop', 'HP', 'EMA']), source: 'a.csv' };
    const runB = { ...run(21, ['Pop', 'Rand', 'HP']), source: 'b.csv' };
    await Promise.all([b.saveRun(runB, dB), a.saveRun(runA, dA)]);
    const back = await a.loadRun();
    const saved = await a.loadData();
    expect(back).toBeDefined();
    expect(back!.kept.map(([m]) => m)).toEqual(back!.source === 'a.csv' ? ['Pop', 'HP', 'EMA'] : ['Pop', 'Rand', 'HP']);
    // The run saved last wrote its own data back over the other tab's.
    expect(saved?.source).toBe(back!.source);
  });

  it('saves a run with one record per model, reads it back whole, and drops the scores of older runs', async () => {
    const ws = createWorkspaceStore('t-ws-records', 'ws');
    await ws.saveRun(run(1, ['Pop', 'HP']));
    await ws.saveRun(run(2, ['EMA']));
    const back = await ws.loadRun();
    expect(back?.savedAt).toBe(2);
    expect(back?.kept.map(([m]) => m)).toEqual(['EMA']);
    expect(Array.from(back!.kept[0][1].test)).toEqual([2, 3]);
    expect(Array.from(back!.kept[0][1].valid!)).toEqual([4]);
    const left = (await keys(createStore('t-ws-records', 'ws'))).filter((k) => String(k).startsWith('scores:'));
    expect(left.sort()).toEqual(['scores:2:EMA', 'scores:2:EMA#test:0', 'scores:2:EMA#valid:0']);
  });

  it('saves scores in chunk records of the size asked (scoreChunks.ts) and reads the run, a model or its validation scores back', async () => {
    // Chunks of 3 scores: 8 test scores in 3 chunk records, 4 validation scores in 2.
    const ws = createWorkspaceStore('t-ws-chunks', 'ws', 3);
    const test = Float32Array.from({ length: 8 }, (_, i) => i + 0.5);
    const valid = Float32Array.of(-1, -2, -3, -4);
    await ws.saveRun({ ...run(5, []), kept: [['HP', { test, valid, lambda: null, hasP: true }]] });
    const db = createStore('t-ws-chunks', 'ws');
    const stored = (await keys(db)).map(String).filter((k) => k.startsWith('scores:5:HP#'));
    expect(stored.length).toBe(5);

    const [[, back]] = (await ws.loadRun())!.kept;
    expect(Array.from(back.test)).toEqual(Array.from(test));
    expect(Array.from(back.valid!)).toEqual([-1, -2, -3, -4]);
    expect(Array.from((await loadValidScores(5, 'HP', 't-ws-chunks', 'ws'))!)).toEqual([-1, -2, -3, -4]);
    expect(Array.from((await loadKeptScores(5, 'HP', 't-ws-chunks', 'ws'))!.test)).toEqual(Array.from(test));

    // A missing chunk makes the run unreadable rather than wrong.
    await del('scores:5:HP#test:2', db);
    expect(await ws.loadRun()).toBeUndefined();
    expect(await loadKeptScores(5, 'HP', 't-ws-chunks', 'ws')).toBeUndefined();
  });

  it('reads validation scores back after a save under way, not half-written', async () => {
    const ws = createWorkspaceStore('t-ws-reader', 'ws', 1);
    const valid = Float32Array.of(5, 6, 7, 8);
    // Not awaited: the planner asks while the run worker still writes the chunks (one record per score here).
    const saving = ws.saveRun({
      ...run(9, []),
      kept: [['HP', { test: Float32Array.of(1, 2), valid, lambda: null, hasP: false }]],
    });
    const read = loadValidScores(9, 'HP', 't-ws-reader', 'ws');
    expect(Array.from((await read)!)).toEqual([5, 6, 7, 8]);
    await saving;
  });

  it('keeps item titles and loss curves beside the data; refuses records of another shape; start over clears them', async () => {
    const ws = createWorkspaceStore('t-ws-side', 'ws');
    expect(await ws.loadItemMeta()).toBeUndefined();
    await ws.saveItemMeta([
      ['1', 'Toy Story (1995)', 'Animation|Children'],
      ['2', '<b>x</b>', ''],
    ]);
    expect(await ws.loadItemMeta()).toEqual([
      ['1', 'Toy Story (1995)', 'Animation|Children'],
      ['2', '<b>x</b>', ''],
    ]);
    const curve = { x: [0.5, 1], loss: [8.1, 7.9], validX: [1], valid: [8.0] };
    await ws.saveLossCurves({ source: 'ratings.csv', curves: [['RNN', curve]] });
    expect(await ws.loadLossCurves()).toEqual({ source: 'ratings.csv', curves: [['RNN', curve]] });
    // A record of an older shape reads as nothing saved.
    await set('lossCurves', { source: 'x', curves: [['RNN', { x: [1] }]] }, createStore('t-ws-side', 'ws'));
    expect(await ws.loadLossCurves()).toBeUndefined();
    await ws.clear();
    expect(await ws.loadItemMeta()).toBeUndefined();
  });
});
