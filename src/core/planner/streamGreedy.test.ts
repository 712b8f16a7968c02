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
      const sol = solveGreedyStreamed(src, { alpha, beta });
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

describe('solveGreedyStreamed memory', () => {
  it("stops widening the items' candidate users at the pair budget and reports the users left uncertified", () => {
    const n = 1500;
    const p = 200;
    const src = factorSource(skewed(n, p, 6, n + p));
    const s = { alpha: 20 / p, beta: 0.05 };
    // Without a budget this case widens three times before the certificate holds (see above).
    const sol = solveGreedyStreamed(src, s, { maxColumnPairs: 1 });
    expect(sol.stream.passes).toBe(1);
    expect(sol.stream.uncertifiedRows).toBeGreaterThan(0);
    // Still a plan: at most K items a user, none twice, the exposures its decisions give.
    const expo = new Int32Array(p);
    for (let x = 0; x < n; x++) {
      const row = Array.from(sol.assignment.indices.subarray(sol.assignment.indptr[x], sol.assignment.indptr[x + 1]));
      expect(row.length).toBeLessThanOrEqual(20);
      expect(new Set(row).size).toBe(row.length);
      for (const y of row) expo[y]++;
    }
    expect(Array.from(sol.itemExposure)).toEqual(Array.from(expo));
  });
});
