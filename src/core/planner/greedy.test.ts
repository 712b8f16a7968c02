import { describe, expect, it } from 'vitest';
import type { Csr } from '../data/types';
import { denseScores } from '../models/scores';
import { createRng } from '../util/rng';
import { descendingOrder, solveGreedy, sortBandDescending } from './greedy';
import { evaluateMatch } from './metrics';
import type { Assignment, MatchSettings } from './types';

/** Reference greedy: sort every pair once (score desc, position asc), walk it twice as the module comment says. */
function bruteGreedy(data: Float32Array, m: number, p: number, s: MatchSettings): Set<number> {
  const order = Array.from({ length: m * p }, (_, i) => i).sort((a, b) => data[b] - data[a] || a - b);
  const K = Math.round(s.alpha * p);
  const cMax = s.betaMax !== undefined ? Math.round(s.betaMax * m) : m;
  const taken = new Set<number>();
  const walk = (k: number[], c: number[]): void => {
    for (const i of order) {
      const x = Math.floor(i / p);
      const y = i % p;
      if (!taken.has(i) && k[x] > 0 && c[y] > 0) {
        taken.add(i);
        k[x]--;
        c[y]--;
      }
    }
  };
  if (s.beta <= 0) {
    walk(Array(m).fill(K), Array(p).fill(cMax));
    return taken;
  }
  const C = Math.round(s.beta * m);
  const total = Math.min(m * K, C * p);
  walk(Array(m).fill(Math.min(K, Math.ceil(total / m))), Array(p).fill(Math.min(C, Math.ceil(total / p))));
  const load = Array(m).fill(0);
  const expo = Array(p).fill(0);
  for (const i of taken) {
    load[Math.floor(i / p)]++;
    expo[i % p]++;
  }
  walk(
    load.map((l) => Math.max(0, K - l)),
    expo.map((e) => Math.max(0, cMax - e)),
  );
  return taken;
}

const pairs = (a: Assignment): Set<number> => {
  const out = new Set<number>();
  for (let r = 0; r < a.nRows; r++)
    for (let q = a.indptr[r]; q < a.indptr[r + 1]; q++) out.add(r * a.nCols + a.indices[q]);
  return out;
};

describe('greedy matching', () => {
  it('matches a full-sort reference in both modes, with ties and tiny bands, and over a precomputed order', () => {
    const rng = createRng(5);
    for (let trial = 0; trial < 30; trial++) {
      const m = 3 + rng.int(10);
      const p = 3 + rng.int(10);
      // Coarse values so that ties are common.
      const data = Float32Array.from({ length: m * p }, () => rng.int(6) / 5);
      const alpha = (1 + rng.int(p)) / p;
      const beta = trial % 3 === 0 ? 0 : Math.min(alpha, (1 + rng.int(m)) / m) * (trial % 2 ? 0.5 : 1);
      const s: MatchSettings =
        trial % 5 === 0 ? { alpha, beta: 0, betaMax: (1 + rng.int(m)) / m } : { alpha, beta: Math.min(beta, alpha) };
      const sol = solveGreedy(denseScores(m, p, data), s, { bandSize: 1 + rng.int(8) });
      expect(pairs(sol.assignment)).toEqual(bruteGreedy(data, m, p, s));
      // The same walk over a precomputed order.
      const walked = solveGreedy(denseScores(m, p, data), s, { order: descendingOrder(data) });
      expect(pairs(walked.assignment)).toEqual(bruteGreedy(data, m, p, s));
    }
  });

  it('puts the min-exposure pass first: every item reaches its minimum when capacity allows', () => {
    // 3 users all prefer item 0; K = 2 per user, β·users = 1 per item.
    const data = Float32Array.of(0.9, 0.5, 0.1, 0.8, 0.4, 0.05, 0.7, 0.3, 0.02);
    const sol = solveGreedy(denseScores(3, 3, data), { alpha: 2 / 3, beta: 1 / 3 });
    expect(Math.min(...sol.itemExposure)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...sol.userLoad)).toBeLessThanOrEqual(2);
    const upper = solveGreedy(denseScores(3, 3, data), { alpha: 2 / 3, beta: 0 });
    expect(upper.itemExposure[2]).toBe(0);
  });
});

describe('evaluateMatch', () => {
  it('computes rime fields on a hand example', () => {
    // 2 users × 4 items. Assigned: user 0 → {0, 1}, user 1 → {0}. Targets: user 0 watched item 1 twice and item 3;
    // user 1 watched nothing.
    const a: Assignment = { nRows: 2, nCols: 4, indptr: Int32Array.of(0, 2, 3), indices: Int32Array.of(0, 1, 0) };
    const target: Csr = {
      nRows: 2,
      nCols: 4,
      indptr: Int32Array.of(0, 2, 2),
      indices: Int32Array.of(1, 3),
      data: Float32Array.of(2, 1),
    };
    const r = evaluateMatch(a, target, { alpha: 0.5, beta: 0.5 });
    // K = round(0.5·4) = 2 → minimal total 4 > 3 assigned: prec = 2 hits / 4.
    expect(r.prec).toBeCloseTo(0.5, 12);
    // recall: user 0 hits 2 of 3, user 1 0 of max(1, 0).
    expect(r.recall).toBeCloseTo((2 / 3 + 0) / 2, 12);
    // UserRec recall per item: item 1 hit 2 of 2, item 3 0 of 1, items 0 and 2 0 of max(1, 0).
    expect(r.user_recall).toBeCloseTo((0 + 1 + 0 + 0) / 4, 12);
    expect(r.k).toBeCloseTo(1.5, 12);
    expect(r.c).toBeCloseTo(0.75, 12);
    expect(r.item_cov).toBeCloseTo(0.5, 12);
    // Item counts [2, 1, 0, 0]: p = [2/3, 1/3].
    expect(r.item_ppl).toBeCloseTo(Math.exp(-(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3)), 12);
    expect(r.user_ppl).toBeCloseTo(Math.exp(-(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3)), 12);
    expect(r.user_cov).toBe(1);
    // Sorted item counts [0, 0, 1, 2]: quartiles by linear interpolation at 0.75, 1.5, 2.25.
    expect(r['recs/item_25%']).toBeCloseTo(0, 12);
    expect(r['recs/item_50%']).toBeCloseTo(0.5, 12);
    expect(r['recs/item_75%']).toBeCloseTo(1.25, 12);
    // β·users = 1: delivered = mean(min(1, [2, 1, 0, 0])) = 0.5.
    expect(r.delivered).toBeCloseTo(0.5, 12);
  });
});

describe('sortBandDescending', () => {
  it('orders flat indices by descending score, ties by ascending index, like a comparator sort (negatives and ties too)', () => {
    const rng = createRng(5);
    // Scores drawn from a few levels so that ties are common; some negative, one huge and one tiny.
    const data = Float32Array.from(
      { length: 5000 },
      () => [0, 0.25, 1, -2, 3.5e10, 1e-30][rng.int(6)] + (rng.next() < 0.5 ? rng.next() : 0),
    );
    const band = Int32Array.from({ length: 3000 }, (_, q) => q + Math.floor(q / 3));
    const expected = Array.from(band).sort((a, b) => data[b] - data[a] || a - b);
    const bits = new Uint32Array(data.buffer);
    const scratch = {
      keys: new Uint32Array(0),
      keys2: new Uint32Array(0),
      idx2: new Int32Array(0),
      count: new Uint32Array(1 << 11),
    };
    const got = sortBandDescending(Int32Array.from(band), band.length, bits, scratch);
    expect(Array.from(got)).toEqual(expected);
  });
});

describe('descendingOrder', () => {
  it('orders as a comparison sort does: descending, ties by position', () => {
    const rng = createRng(4);
    const a = Float32Array.from({ length: 5000 }, () => Math.floor(rng.next() * 50) / 7);
    a[3] = 0;
    a[10] = 1e30;
    const want = Array.from(a.keys()).sort((i, j) => a[j] - a[i] || i - j);
    expect(Array.from(descendingOrder(a))).toEqual(want);
  });
});
