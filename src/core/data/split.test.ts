import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetFromEvents } from './split.fixtures';
import { defaultSplitConfig, extraWindows, makeSplit, resolveSplitConfig, suggestSplitKind, testGroup } from './split';
import type { Csr, Dataset, EvalSet, Split } from './types';
import { generateSynthetic } from './synthetic/generate';
import { movieLens, type Skip } from '../../testing/sharedData';

// Four users, written out by hand (user, item, time). Offsets after sorting: u0 [0,6) u1 [6,12) u2 [12,18) u3 [18,20).
const EVENTS: [string, string, number][] = [
  ['u0', 'i0', 10],
  ['u0', 'i1', 20],
  ['u0', 'i2', 30],
  ['u0', 'i0', 40],
  ['u0', 'i3', 50],
  ['u0', 'i1', 60],
  ['u1', 'i1', 5],
  ['u1', 'i1', 15],
  ['u1', 'i2', 35],
  ['u1', 'i3', 45],
  ['u1', 'i0', 55],
  ['u1', 'i2', 65],
  ['u2', 'i3', 42],
  ['u2', 'i0', 48],
  ['u2', 'i1', 52],
  ['u2', 'i0', 58],
  ['u2', 'i2', 62],
  ['u2', 'i3', 70],
  ['u3', 'i1', 100],
  ['u3', 'i2', 110],
];
const D = datasetFromEvents(
  EVENTS.map((e) => e[0]),
  EVENTS.map((e) => e[1]),
  EVENTS.map((e) => e[2]),
);
// Item ids i0..i3 are encoded 0..3 in order of first appearance, users u0..u3 as 0..3.

/** Target rows as {item: count} objects, to compare with hand-written expectations. */
function rows(c: Csr): Record<number, number>[] {
  return Array.from({ length: c.nRows }, (_, r) => {
    const o: Record<number, number> = {};
    for (let k = c.indptr[r]; k < c.indptr[r + 1]; k++) o[c.indices[k]] = c.data[k];
    return o;
  });
}

function must(r: ReturnType<typeof makeSplit>): Split {
  if (!r.ok) throw new Error(`${r.code}: ${r.reason}`);
  return r.data;
}

describe('temporal split, hand-computed (T = 40, ΔT = 20)', () => {
  const s = must(makeSplit(D, { kind: 'temporal', testStart: 40, horizon: 20 }));

  it('train ends at T, test rows are users seen before T, targets only of training items', () => {
    expect([...s.trainEnd]).toEqual([3, 9, 12, 18]);
    expect([...s.test.users]).toEqual([0, 1]); // u2 and u3 start after T
    expect([...s.test.testStart]).toEqual([40, 40]);
    expect([...s.test.histEnd]).toEqual([3, 9]);
    // u0 in [40,60): i0@40, i3@50 (i3 unseen in training → dropped; i1@60 is past the window). u1: i3@45 dropped, i0@55.
    expect(rows(s.test.target)).toEqual([{ 0: 1 }, { 0: 1 }]);
    expect(s.stats).toMatchObject({
      trainUsers: 2,
      trainItems: 3,
      trainEvents: 6,
      testUsers: 2,
      testItems: 3,
      testEvents: 2,
      avgHistLength: 3,
      avgTargetLength: 1,
      horizon: 20,
      targetItems: 1,
      droppedTargets: 2,
    });
  });

  it('validation is the set-back window [20, 40) fitted on events before 20', () => {
    expect([...s.validTrainEnd]).toEqual([1, 8, 12, 18]);
    expect([...s.valid.users]).toEqual([0, 1]);
    expect([...s.valid.histEnd]).toEqual([1, 8]);
    // Items seen before 20: i0 (u0), i1 (u1). u0: i1@20, i2@30 (unseen → dropped). u1: i2@35 dropped.
    expect(rows(s.valid.target)).toEqual([{ 1: 1 }, {}]);
    expect(s.stats.validEvents).toBe(1);
  });

  it('excludeTrain drops targets already in the history and flags the EvalSets', () => {
    const x = must(makeSplit(D, { kind: 'temporal', testStart: 40, horizon: 20, excludeTrain: true }));
    // u0's history {i0, i1, i2} contains i0; u1's {i1, i2} does not.
    expect(rows(x.test.target)).toEqual([{}, { 0: 1 }]);
    expect(x.test.excludeTrain && x.valid.excludeTrain).toBe(true);
    expect(x.stats.testEvents).toBe(1);
  });

  it('refuses windows without test users or targets, and bad fields, as values', () => {
    const early = makeSplit(D, { kind: 'temporal', testStart: 0, horizon: 20 });
    expect(!early.ok && early.code).toBe('no-test-users');
    const empty = makeSplit(D, { kind: 'temporal', testStart: 80, horizon: 10 });
    expect(!empty.ok && empty.code).toBe('no-targets');
    const bad = makeSplit(D, { kind: 'temporal', testStart: 40, horizon: -1 });
    expect(!bad.ok && bad.code === 'bad-config' && bad.reason).toMatch(/horizon/);
    const badU = makeSplit(D, { kind: 'user', testFraction: 1.5 });
    expect(!badU.ok && badU.reason).toMatch(/testFraction/);
  });
});

describe('user split, hand-computed (relative start 25, ΔT = 20, group B = {u0, u3})', () => {
  // The group is a seeded draw; pick a seed whose draw is {u0, u3} so the rest can be checked by hand.
  const seed = Array.from({ length: 200 }, (_, k) => k).find((k) => testGroup(D, 0.5, k).join() === '1,0,0,1')!;
  const s = must(makeSplit(D, { kind: 'user', testFraction: 0.5, relativeTestStart: 25, horizon: 20, seed }));

  it('B trains on events before first + 25, A on everything; B users without a window are not test rows', () => {
    // u0 starts its window at 35 (3 events before); u3's span 10 < 25: no window, all its events are training.
    expect([...s.trainEnd]).toEqual([3, 12, 18, 20]);
    expect([...s.test.users]).toEqual([0]);
    expect([...s.test.testStart]).toEqual([35]);
    expect([...s.test.histEnd]).toEqual([3]);
    expect(rows(s.test.target)).toEqual([{ 0: 1, 3: 1 }]); // i0@40, i3@50 in [35, 55)
    expect(s.stats).toMatchObject({
      trainUsers: 4,
      trainItems: 4,
      trainEvents: 17,
      testUsers: 1,
      testEvents: 2,
      avgHistLength: 3,
      avgTargetLength: 2,
    });
  });

  it('validation is group A at the same relative start; B contributes its training events', () => {
    // u1: start 30, history [6, 8); u2: start 67, history [12, 17).
    expect([...s.valid.users]).toEqual([1, 2]);
    expect([...s.valid.testStart]).toEqual([30, 67]);
    expect([...s.valid.histEnd]).toEqual([8, 17]);
    expect([...s.validTrainEnd]).toEqual([3, 8, 17, 20]);
    expect(rows(s.valid.target)).toEqual([{ 2: 1, 3: 1 }, { 3: 1 }]);
  });

  it('testGroup holds out round(fraction × active users), differently per seed', () => {
    const g = testGroup(D, 0.5, 1);
    expect(g.reduce((a, b) => a + b, 0)).toBe(2);
    const draws = new Set(Array.from({ length: 30 }, (_, k) => testGroup(D, 0.5, k).join()));
    expect(draws.size).toBeGreaterThan(1);
  });
});

describe('defaults', () => {
  it('come from the data: temporal ΔT = span / 10 (< 1 day here, not rounded), user start = median span', () => {
    // Span 5..110 → ΔT = 10.5, T = 110 + 1 − 10.5. User spans 50, 60, 28, 10 → median 39.
    expect(defaultSplitConfig(D, 'temporal')).toEqual({
      kind: 'temporal',
      testStart: 100.5,
      horizon: 10.5,
      excludeTrain: false,
    });
    expect(defaultSplitConfig(D, 'user')).toEqual({
      kind: 'user',
      testFraction: 0.5,
      relativeTestStart: 39,
      horizon: 39,
      excludeTrain: false,
      seed: 0,
    });
    // A field given alone moves the dependent default: T follows ΔT; ΔT follows the relative start (rime).
    expect(resolveSplitConfig(D, { kind: 'temporal', horizon: 20 })).toEqual({
      ok: true,
      data: { kind: 'temporal', testStart: 91, horizon: 20, excludeTrain: false },
    });
    expect(resolveSplitConfig(D, { kind: 'user', relativeTestStart: 25 })).toMatchObject({
      ok: true,
      data: { relativeTestStart: 25, horizon: 25 },
    });
    // The resolved config is stored on the split, so it round-trips.
    // (seed 0 may draw B = {u2, u3}, whose spans are shorter than 39: no test rows, refused as a value.)
    const seed = Array.from({ length: 200 }, (_, k) => k).find((k) => testGroup(D, 0.5, k)[0] === 1)!;
    expect(must(makeSplit(D, { kind: 'user', seed })).config).toEqual({ ...defaultSplitConfig(D, 'user'), seed });
    const noRows = Array.from({ length: 200 }, (_, k) => k).find((k) => testGroup(D, 0.5, k).join() === '0,0,1,1')!;
    const r = makeSplit(D, { kind: 'user', seed: noRows });
    expect(!r.ok && r.code).toBe('no-test-users');
  });
});

describe('on MovieLens (ml-latest-small): invariants with default configs', () => {
  /** ratings.csv, read once by the first test that runs (each skips, saying why, without it). */
  let cached: Dataset | undefined;
  function movieLensData(skip: Skip): Dataset {
    if (cached) return cached;
    const text = readFileSync(join(movieLens(skip, 'ratings.csv'), 'ratings.csv'), 'utf8');
    const u: string[] = [],
      items: string[] = [],
      t: number[] = [];
    for (const line of text.trim().split('\n').slice(1)) {
      const f = line.split(',');
      u.push(f[0]);
      items.push(f[1]);
      t.push(Number(f[3]));
    }
    return (cached = datasetFromEvents(u, items, t));
  }

  /** Checks one EvalSet against its training ends; returns the number of window events (targets + dropped). */
  function checkRows(ds: Dataset, set: EvalSet, ends: Int32Array): number {
    const seen = new Uint8Array(ds.nItems);
    for (let x = 0; x < ds.nUsers; x++) for (let e = ds.userOffsets[x]; e < ends[x]; e++) seen[ds.item[e]] = 1;
    let window = 0;
    for (let r = 0; r < set.users.length; r++) {
      const x = set.users[r];
      const h = set.histEnd[r];
      const t0 = set.testStart[r];
      expect(h).toBeGreaterThan(ds.userOffsets[x]); // non-empty history
      expect(ds.time[h - 1]).toBeLessThan(t0); // history strictly before the start
      if (h < ds.userOffsets[x + 1]) expect(ds.time[h]).toBeGreaterThanOrEqual(t0);
      for (let e = h; e < ds.userOffsets[x + 1] && ds.time[e] < t0 + set.horizon; e++) window++;
      for (let k = set.target.indptr[r]; k < set.target.indptr[r + 1]; k++) expect(seen[set.target.indices[k]]).toBe(1);
    }
    return window;
  }

  it('suggests a user split (users live at different clock times) and its invariants hold', ({ skip }) => {
    const ml = movieLensData(skip);
    expect(suggestSplitKind(ml)).toBe('user');
    const s = must(makeSplit(ml, { kind: 'user' }));
    const window = checkRows(ml, s.test, s.trainEnd);
    expect(s.stats.testEvents + s.stats.droppedTargets!).toBe(window);
    let train = 0;
    for (let x = 0; x < ml.nUsers; x++) train += s.trainEnd[x] - ml.userOffsets[x];
    expect(s.stats.trainEvents).toBe(train);
    expect(s.stats.testUsers).toBeGreaterThan(100);
    expect(s.valid.users.length).toBeGreaterThan(100);
    checkRows(ml, s.valid, s.validTrainEnd);
    // Test rows are group B, validation rows group A: disjoint.
    const b = new Set(s.test.users);
    expect(s.valid.users.every((x) => !b.has(x))).toBe(true);
  });

  it('temporal default: no training event at or after T, targets in [T, T + ΔT) only', ({ skip }) => {
    const ml = movieLensData(skip);
    const s = must(makeSplit(ml, { kind: 'temporal' }));
    const c = s.config as { testStart: number; horizon: number };
    expect(c.horizon).toBe(28 * 86_400);
    for (let x = 0; x < ml.nUsers; x++)
      if (s.trainEnd[x] > ml.userOffsets[x]) expect(ml.time[s.trainEnd[x] - 1]).toBeLessThan(c.testStart);
    const window = checkRows(ml, s.test, s.trainEnd);
    expect(s.stats.testEvents + s.stats.droppedTargets!).toBe(window);
    expect(s.stats.testEvents).toBeGreaterThan(0);
  });
});

describe('on a synthetic world (users without events included)', () => {
  const g = generateSynthetic({ nUsers: 400, nItems: 100, targetEvents: 15_000, seed: 2 });
  if (!g.ok) throw new Error(g.reason);
  const ds = g.data.dataset;
  it.each(['user', 'temporal'] as const)('%s split: training ends lie inside each user and counts add up', (kind) => {
    expect(
      Array.from({ length: ds.nUsers }, (_, x) => ds.userOffsets[x + 1] - ds.userOffsets[x]).some((n) => n === 0),
    ).toBe(true);
    const s = must(makeSplit(ds, { kind }));
    let train = 0;
    for (let x = 0; x < ds.nUsers; x++) {
      for (const ends of [s.trainEnd, s.validTrainEnd]) {
        expect(ends[x]).toBeGreaterThanOrEqual(ds.userOffsets[x]);
        expect(ends[x]).toBeLessThanOrEqual(ds.userOffsets[x + 1]);
      }
      train += s.trainEnd[x] - ds.userOffsets[x];
    }
    expect(s.stats.trainEvents).toBe(train);
    expect(s.stats.testEvents).toBeGreaterThan(0);
  });
});

describe('extra labelled windows (GraphConv-Extra), hand-computed', () => {
  it('temporal T = 60, ΔT = 10: windows set back from the validation window, empty ones left out', () => {
    const s = must(makeSplit(D, { kind: 'temporal', testStart: 60, horizon: 10 }));
    const w = extraWindows(D, s);
    // [40,50): u0 takes i0 at 40; u1's i3 at 45 is unseen before 40. [30,40): both events are of i2, unseen before
    // 30: left out. [20,30): u0 takes i1. [10,20): only u1 has history (i1 at 5) and takes i1 at 15. [0,10) starts
    // before the first event (5).
    expect(w.map((x) => [...x.testStart][0])).toEqual([40, 20, 10]);
    expect(w.map((x) => [...x.users])).toEqual([[0, 1], [0, 1], [1]]);
    expect(w.map((x) => rows(x.target))).toEqual([[{ 0: 1 }, {}], [{ 1: 1 }, {}], [{ 1: 1 }]]);
    expect(w.every((x) => x.horizon === 10)).toBe(true);
  });

  it('user split, relative start 20, ΔT = 20: one window of ΔT/2 ending at each user’s start, every user', () => {
    const s = must(makeSplit(D, { kind: 'user', testFraction: 0.5, relativeTestStart: 20, horizon: 20, seed: 1 }));
    const [w, ...rest] = extraWindows(D, s);
    expect(rest).toEqual([]);
    expect(w.horizon).toBe(10);
    // Starts: first event + 10. Items seen before the starts: i0 (u0), i1 (u1, u3), i3 and i0 (u2); i2 is not.
    expect([...w.users]).toEqual([0, 1, 2, 3]);
    expect([...w.testStart]).toEqual([20, 15, 52, 110]);
    expect(rows(w.target)).toEqual([{ 1: 1 }, { 1: 1 }, { 0: 1, 1: 1 }, {}]);
  });
});
