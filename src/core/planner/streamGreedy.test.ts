import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng';
import { denseScores, materialize } from '../models/scores';
import { factorSource, type Factors } from './factors';
import { solveGreedy } from './greedy';
import { solveGreedyStreamed } from './streamGreedy';

function skewed(n: number, p: number, D: number, seed: number): Factors {
  const rng = createRng(seed);
  return {
    nUsers: n,
    nItems: p,
    dim: D,
    users: Float32Array.from({ length: n * D }, () => rng.next()),
    items: Float32Array.from({ length: p * D }, () => rng.next() ** 3),
    lambda: Float32Array.from({ length: n }, () => 0.5 + rng.next()),
    itemBias: null,
    link: 'linear',
  };
}

describe('solveGreedyStreamed', () => {
  // The dense greedy (greedy.ts, itself checked against hand-worked walks in greedy.test.ts) on the same matrix.
  for (const [n, p, alpha, beta] of [
    [500, 80, 5 / 80, 0],
    [2000, 300, 10 / 300, 0.01],
    [1500, 200, 20 / 200, 0.05],
  ] as const) {
    it(`${n}×${p}, α = ${alpha.toFixed(3)}, β = ${beta}: certified, and the same decisions as the dense walk`, () => {
      const src = factorSource(skewed(n, p, 6, n + p));
      const data = materialize(src)!;
      const dense = solveGreedy(denseScores(n, p, data), { alpha, beta });
      // Few best pairs of all (the default would hold every pair here), so the lists and rounds do the work.
      const sol = solveGreedyStreamed(src, { alpha, beta }, { topPairs: 256 });
      expect(sol.stream.uncertifiedRows).toBe(0);
      expect(Array.from(sol.assignment.indptr)).toEqual(Array.from(dense.assignment.indptr));
      expect(Array.from(sol.assignment.indices)).toEqual(Array.from(dense.assignment.indices));
      expect(sol.objective).toBeCloseTo(dense.objective, 3);
      expect(Array.from(sol.itemExposure)).toEqual(Array.from(dense.itemExposure));
      // The walk ran over far fewer pairs than the matrix holds.
      if (beta > 0) expect(sol.stream.pairs).toBeLessThan(n * p);
    });
  }
});

describe('solveGreedyStreamed rounds', () => {
  // A case where the dense walk brings every item to β.
  const n = 1000;
  const p = 100;
  const s = { alpha: 0.1, beta: 0.02 };
  const lo = Math.round(s.beta * n);
  const src = factorSource(skewed(n, p, 6, n + p));
  // Lists cut to a user's budget + 1 and 3 users an item, and 64 best pairs: one pass leaves items short.
  const tiny = { listScale: 0.02, topPairs: 64 };

  it('one pass of tiny candidate lists leaves items below β and says its users are uncertified', () => {
    const sol = solveGreedyStreamed(src, s, { ...tiny, maxRounds: 1 });
    expect(sol.stream.passes).toBe(1);
    expect(sol.itemExposure.filter((e) => e < lo).length).toBeGreaterThan(0);
    expect(sol.stream.uncertifiedRows).toBeGreaterThan(0);
    // Still a plan: at most K items a user, none twice, the exposures its decisions give.
    const expo = new Int32Array(p);
    for (let x = 0; x < n; x++) {
      const row = Array.from(sol.assignment.indices.subarray(sol.assignment.indptr[x], sol.assignment.indptr[x + 1]));
      expect(row.length).toBeLessThanOrEqual(10);
      expect(new Set(row).size).toBe(row.length);
      for (const y of row) expo[y]++;
    }
    expect(Array.from(sol.itemExposure)).toEqual(Array.from(expo));
  });

  it('the rounds that resume from the certified state end with the dense walk, every item at β', () => {
    const dense = solveGreedy(denseScores(n, p, materialize(src)!), s);
    expect(dense.itemExposure.filter((e) => e < lo).length).toBe(0);
    // Tiny lists and few pairs a round: each round certifies little, so it takes many (21 here).
    for (const opts of [
      { ...tiny, maxRounds: 64 },
      { listScale: 0.1, topPairs: 1024, maxRounds: 64 },
    ]) {
      const sol = solveGreedyStreamed(src, s, opts);
      expect(sol.stream.passes).toBeGreaterThan(1);
      expect(sol.stream.uncertifiedRows).toBe(0);
      expect(Array.from(sol.assignment.indptr)).toEqual(Array.from(dense.assignment.indptr));
      expect(Array.from(sol.assignment.indices)).toEqual(Array.from(dense.assignment.indices));
      expect(sol.itemExposure.filter((e) => e < lo).length).toBe(0);
      // Later rounds read only the users and items with budget left.
      const r = sol.stream.rounds;
      expect(r[r.length - 1].users).toBeLessThan(n);
      expect(r[r.length - 1].items).toBeLessThan(p);
    }
    // A source that is not factored: later rounds read whole rows at the items' positions.
    const sol = solveGreedyStreamed(denseScores(n, p, materialize(src)!), s, { ...tiny, maxRounds: 64 });
    expect(sol.stream.passes).toBeGreaterThan(1);
    expect(Array.from(sol.assignment.indices)).toEqual(Array.from(dense.assignment.indices));
  });
});
