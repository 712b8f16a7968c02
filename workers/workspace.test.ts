import 'fake-indexeddb/auto';
import { createStore, keys } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import type { ExperimentResult } from '../src/core/pipeline/run';
import { createWorkspaceStore, type KeptScores, type SavedRun } from './workspace';

const kept = (x: number): KeptScores => ({ test: Float32Array.of(x, x + 1), valid: Float32Array.of(x + 2), lambda: null, hasP: false });
const run = (savedAt: number, models: string[]): SavedRun => ({
  source: 'tiny',
  config: { split: { kind: 'temporal' }, models, seed: 1 },
  result: { item_rec: {}, user_rec: {} } as unknown as ExperimentResult,
  kept: models.map((m, i) => [m, kept(10 * i + savedAt)]),
  savedAt,
});

describe('workspace store', () => {
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
    expect(left).toEqual(['scores:2:EMA']);
  });
});
