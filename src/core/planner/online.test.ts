import { describe, expect, it } from 'vitest';
import { denseScores } from '../models/scores';
import { lpOptimum } from './lp.testutil';
import { solveDual } from './dual';
import { solveOnline } from './online';
import { roundedDecisions, rowSoft, rowUniform, systematicSample } from './rounding';

const sum = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};

describe('systematic sampling', () => {
  it('takes each item with exactly its probability: over an even grid of uniforms the frequencies are π within 1/N', () => {
    const pi = Float64Array.of(0.9, 0.05, 0.35, 1, 0.2, 0.5);
    const items = Int32Array.from(pi, (_, j) => 10 + j);
    const N = 1000;
    const freq = new Float64Array(pi.length);
    const counts = new Set<number>();
    const out = new Int32Array(pi.length);
    for (let i = 0; i < N; i++) {
      const c = systematicSample(pi, items, pi.length, (i + 0.5) / N, pi.length, out, 0);
      counts.add(c);
      for (let q = 0; q < c; q++) freq[out[q] - 10] += 1 / N;
      // Ascending item order, no repeats.
      for (let q = 1; q < c; q++) expect(out[q]).toBeGreaterThan(out[q - 1]);
    }
    for (let j = 0; j < pi.length; j++) expect(Math.abs(freq[j] - pi[j])).toBeLessThanOrEqual(1 / N + 1e-12);
    // Σπ = 3: exactly three items in every draw.
    expect([...counts]).toEqual([3]);
  });

  it('a non-integer total takes floor or ceil of it', () => {
    const pi = Float64Array.of(0.5, 0.7, 0.6);
    const out = new Int32Array(3);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(systematicSample(pi, Int32Array.of(0, 1, 2), 3, (i + 0.5) / 200, 3, out, 0));
    expect([...seen].sort()).toEqual([1, 2]);
  });

  it('rows draw from their own seeded streams: reproducible, different across rows and seeds, uniform', () => {
    expect(rowUniform(7, 3)).toBe(rowUniform(7, 3));
    expect(rowUniform(7, 3)).not.toBe(rowUniform(7, 4));
    expect(rowUniform(7, 3)).not.toBe(rowUniform(8, 3));
    const n = 20000;
    const bins = new Array(10).fill(0);
    for (let x = 0; x < n; x++) bins[Math.floor(rowUniform(1, x) * 10)]++;
    // Each decile holds 2,000 ± 5σ (σ = √(n·0.1·0.9) ≈ 42).
    for (const b of bins) expect(Math.abs(b - n / 10)).toBeLessThan(5 * 42.5);
  });
});

describe('one row’s soft decisions (eq. 12 with its own u)', () => {
  it('Σπ = K at the root, against an independent bisection of Σ sigmoid((a − t)/ε) = K', () => {
    const a = Float64Array.of(0.9, 0.85, 0.84, 0.5, 0.3, 0.29, 0.1);
    const eps = 0.02;
    const K = 3;
    let lo = -10;
    let hi = 10;
    for (let i = 0; i < 200; i++) {
      const t = (lo + hi) / 2;
      if (sum(Array.from(a, (x) => 1 / (1 + Math.exp(-(x - t) / eps)))) > K) lo = t;
      else hi = t;
    }
    const t = (lo + hi) / 2;
    const pi = new Float64Array(a.length);
    rowSoft(a, a.length, K, eps, pi, new Float64Array(a.length));
    for (let j = 0; j < a.length; j++) expect(pi[j]).toBeCloseTo(1 / (1 + Math.exp(-(a[j] - t) / eps)), 6);
    expect(sum(pi)).toBeCloseTo(K, 6);
  });

  it('a row with room to spare (n ≤ K): u = 0 and π = sigmoid(a/ε), not 1 for a key near 0', () => {
    const a = Float64Array.of(0.01, 1, -0.01);
    const pi = new Float64Array(3);
    rowSoft(a, 3, 3, 0.02, pi, new Float64Array(3));
    for (let j = 0; j < 3; j++) expect(pi[j]).toBeCloseTo(1 / (1 + Math.exp(-a[j] / 0.02)), 9);
  });

  it('ε = 0: the top K, the items tied at the K-th place sharing what is left equally', () => {
    const a = Float64Array.of(0.4, 0.9, 0.4, 0.2, 0.4);
    const pi = new Float64Array(5);
    rowSoft(a, 5, 2, 0, pi, new Float64Array(5));
    // 0.9 is taken; one place left among three items at 0.4.
    expect(Array.from(pi)).toEqual([1 / 3, 1, 1 / 3, 0, 1 / 3]);
  });
});

describe('online Dual on identical user states (the LP splits each group between items)', () => {
  // Three items, K = 1, β = 0.3 of 100 rows (30 users an item). Group A (60 identical rows) prefers item 0 then
  // item 1; group B (40 rows) item 0 then item 2. By hand, the LP optimum: item 1 takes 30 rows of A (loss 0.2 a row
  // against 0.9 from B), item 2 takes 30 rows of B (loss 0.3 against 0.7 from A), item 0 the other 40; objective
  // 30·1 + 30·0.8 + 30·0.7 + 10·1 = 85, exposures (40, 30, 30). A rule that gives every row of a group the same
  // item (one threshold per item) serves two of the three items at most: delivered ≤ 2/3 whatever v is.
  const A = [1, 0.8, 0.1];
  const B = [1, 0.1, 0.7];
  const rows = (order: number[]) => Float32Array.from(order.flatMap((g) => (g === 0 ? A : B)));
  // Validation: A then B; test: the same states interleaved (the rule must not depend on the order).
  const validOrder = [...Array(60).fill(0), ...Array(40).fill(1)];
  const testOrder = Array.from({ length: 100 }, (_, i) => (i % 5 < 3 ? 0 : 1));
  const valid = denseScores(100, 3, rows(validOrder));
  const test = denseScores(100, 3, rows(testOrder));
  const s = { alpha: 1 / 3, beta: 0.3 };
  const goal = 30;
  const delivered = (e: ArrayLike<number>) => sum(Array.from(e, (x) => Math.min(1, x / goal))) / 3;

  it('the hand LP optimum is the LP solver’s', async () => {
    expect(await lpOptimum(rows(validOrder), 100, 3, 1, goal, Infinity)).toBeCloseTo(85, 6);
  });

  it('hard TopK{λ − v} under-delivers: each group takes one item', () => {
    const sol = solveOnline(valid, test, s, { decision: 'hard' });
    for (const g of [0, 1]) {
      const picks = new Set(testOrder.flatMap((h, x) => (h === g ? [sol.assignment.indices[x]] : [])));
      expect(picks.size).toBe(1);
    }
    expect(delivered(sol.itemExposure)).toBeLessThanOrEqual(2 / 3 + 1e-12);
  });

  it('rounded: expected exposures are the LP’s (40, 30, 30), the draws average to them over seeds and deliver ≥ 90%', () => {
    const first = solveOnline(valid, test, s);
    // The soft decisions themselves (independent of the draws): Σ_x π_xy on the test rows.
    const expected = new Float64Array(3);
    const raw = first.state.eps * 1; // scores' max λ is 1, so the normalised ε is the raw one
    roundedDecisions(test.data, 100, 3, 1, first.state.v, raw, 1, expected);
    expect(expected[0]).toBeCloseTo(40, 0);
    expect(expected[1]).toBeCloseTo(30, 0);
    expect(expected[2]).toBeCloseTo(30, 0);
    const seeds = 200;
    const mean = new Float64Array(3);
    let meanDelivered = 0;
    let meanObjective = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const sol = solveOnline(valid, test, s, { seed });
      expect(Math.max(...sol.userLoad)).toBeLessThanOrEqual(1);
      for (let y = 0; y < 3; y++) mean[y] += sol.itemExposure[y] / seeds;
      meanDelivered += delivered(sol.itemExposure) / seeds;
      meanObjective += sol.objective / seeds;
    }
    // Item 1's exposure is Binomial(60, 1/2) per seed (σ ≈ 3.9): the mean over 200 seeds is within ±0.3 (1σ) of 30;
    // the tolerance of 1.5 adds the calibration's 1% residual.
    expect(Math.abs(mean[0] - 40)).toBeLessThan(1.5);
    expect(Math.abs(mean[1] - 30)).toBeLessThan(1.5);
    expect(Math.abs(mean[2] - 30)).toBeLessThan(1.5);
    expect(meanObjective).toBeGreaterThan(0.98 * 85);
    // E[min(1, X/30)] for X ~ Binomial(60, 1/2) is about 0.95; item 0 is always served.
    expect(meanDelivered).toBeGreaterThanOrEqual(0.9);
  });

  it('the same seed gives the same decisions; another seed other ones', () => {
    const a = solveOnline(valid, test, s, { seed: 5 }).assignment.indices;
    const b = solveOnline(valid, test, s, { seed: 5 }).assignment.indices;
    const c = solveOnline(valid, test, s, { seed: 6 }).assignment.indices;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
});

describe('a cap β′ on rows with room to spare (the α sweep): each item’s tied group split at its threshold', () => {
  // Identical rows over 8 items, scores 8/8 … 1/8, K = 4, each item at most β' = 1/4 of the rows. By hand, the LP
  // optimum fills every cap (total capacity 4 a row exceeds 8 · 1/4 = 2 a row): objective cap · Σλ, every row takes
  // 2 items on average, and u = 0 on every row. The calibrated v_y then sits where sigmoid((λ_y − v_y)/ε) = 1/4, so
  // λ − v = ε·logit(1/4) < 0 on every pair: a rule that only considers λ − v > 0 takes nothing at all.
  const p = 8;
  const row = Array.from({ length: p }, (_, y) => (p - y) / p);
  const rows = (n: number) => Float32Array.from({ length: n * p }, (_, i) => row[i % p]);
  const settings = { alpha: 0.5, beta: 0, betaMax: 0.25 };
  const objectiveLp = (n: number) => lpOptimum(rows(n), n, p, 4, 0, n / 4);

  it('the hand LP optimum is the LP solver’s', async () => {
    expect(await objectiveLp(40)).toBeCloseTo((40 / 4) * sum(row), 5);
  });

  it('online (v from 40 validation rows, decided on 60 test rows): expected exposures at the cap, draws deliver it', async () => {
    const valid = denseScores(40, p, rows(40));
    const test = denseScores(60, p, rows(60));
    const cap = 60 / 4;
    const first = solveOnline(valid, test, settings);
    const expected = new Float64Array(p);
    roundedDecisions(rows(60), 60, p, 4, first.state.v, first.state.eps, 1, expected);
    for (const e of expected) expect(e).toBeCloseTo(cap, 0);
    const lp = await objectiveLp(60);
    const mean = new Float64Array(p);
    const seeds = 50;
    let objective = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const sol = solveOnline(valid, test, settings, { seed });
      // Σπ = 2 on every row (within the calibration's 1%): each row draws 2 items, 15 an item on average.
      expect(sum(sol.itemExposure)).toBeGreaterThanOrEqual(0.98 * cap * p);
      expect(Math.max(...sol.userLoad)).toBeLessThanOrEqual(4);
      for (let y = 0; y < p; y++) mean[y] += sol.itemExposure[y] / seeds;
      objective += sol.objective / seeds;
    }
    // Item y's exposure is Binomial(60, 1/4) per seed (σ ≈ 3.4): the mean over 50 seeds is within ±1.5 (3σ) of 15.
    for (const e of mean) expect(Math.abs(e - cap)).toBeLessThan(1.5);
    // Near the LP's on average (a draw may put an item over its cap on one seed, so not a bound per seed).
    expect(Math.abs(objective - lp)).toBeLessThan(0.03 * lp);
  });

  it('offline (the same rows): the annealed solve’s rounded decisions fill the caps too', async () => {
    const lp = await objectiveLp(40);
    let total = 0;
    let objective = 0;
    const seeds = 20;
    for (let seed = 1; seed <= seeds; seed++) {
      const sol = solveDual(denseScores(40, p, rows(40)), settings, { method: 'anneal', seed });
      total += sum(sol.itemExposure) / seeds;
      objective += sol.objective / seeds;
    }
    expect(total).toBeGreaterThanOrEqual(0.98 * 10 * p);
    expect(objective).toBeGreaterThan(0.97 * lp);
  });
});
