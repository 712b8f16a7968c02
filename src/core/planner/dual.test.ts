import { lpOptimum } from './lp.testutil';
import { describe, expect, it } from 'vitest';
import { denseScores } from '../models/scores';
import { createRng } from '../util/rng';
import { softAssignment, softRoot } from './kernels';
import { createDualWorkspace, solveDual } from './dual';
import { roundedDecisions } from './rounding';
import { solveOnline } from './online';
import { sweepAlpha, sweepBeta } from './sweep';
import { drawScores, scoreWorld } from './synthetic';
import { kthLargest } from './select';

/** A target matrix with no events (the sweeps below read the decisions, not recall). */
const noTargets = (m: number, p: number) => ({
  nRows: m,
  nCols: p,
  indptr: new Int32Array(m + 1),
  indices: new Int32Array(0),
  data: new Float32Array(0),
});

/** Independent root of Σ sigmoid((a − t)/ε) = target by plain bisection over a wide bracket. */
function bisectRoot(a: number[], eps: number, target: number): number {
  let lo = -100;
  let hi = 100;
  for (let i = 0; i < 200; i++) {
    const t = (lo + hi) / 2;
    const f = a.reduce((s, x) => s + 1 / (1 + Math.exp(-(x - t) / eps)), 0);
    if (f > target) lo = t;
    else hi = t;
  }
  return (lo + hi) / 2;
}

describe('eq. 12-14 kernels', () => {
  it('1×1: the root is λ − ε·logit(α), projected to u ≥ 0', () => {
    for (const [lam, alpha, eps] of [
      [0.8, 0.3, 0.1],
      [0.8, 0.3, 1],
      [0.2, 0.9, 0.05],
    ]) {
      const closed = lam - eps * Math.log(alpha / (1 - alpha));
      const t = softRoot(Float64Array.of(lam), 1, eps, alpha, 1, 0, 1e-9);
      expect(t).toBeCloseTo(Math.max(0, closed), 6);
    }
  });

  it("rime's synthetic s = [[1], [0.5]]: v = 0 while the exposure constraint is slack, else the hand root", () => {
    // β = 0.4 of 2 users: Σ sigmoid(s/ε) ≥ 0.8 already at v = 0 for every ε, so v projects to 0.
    for (const eps of [1, 0.5, 0.01]) expect(softRoot(Float64Array.of(1, 0.5), 2, eps, 0.8, -1, 0, 1e-9)).toBe(0);
    // β = 0.9 at ε = 1: sigmoid(1 − v) + sigmoid(0.5 − v) = 1.8 needs v < 0.
    const t = softRoot(Float64Array.of(1, 0.5), 2, 1, 1.8, -1, 0, 1e-9);
    expect(t).toBeLessThan(0);
    expect(t).toBeCloseTo(bisectRoot([1, 0.5], 1, 1.8), 6);
    expect(1 / (1 + Math.exp(-(1 - t))) + 1 / (1 + Math.exp(-(0.5 - t)))).toBeCloseTo(1.8, 6);
  });

  it('eq. 12: π = sigmoid((λ − u − v)/ε) at hand-picked points', () => {
    const pi = softAssignment([1, 0.2, 0.6, 0.1], 2, 2, [0.5, 0], [0, -0.3], 0.1);
    expect(pi[0]).toBeCloseTo(1 / (1 + Math.exp(-5)), 12);
    expect(pi[1]).toBeCloseTo(0.5, 12);
    expect(pi[2]).toBeCloseTo(1 / (1 + Math.exp(-6)), 12);
    expect(pi[3]).toBeCloseTo(1 / (1 + Math.exp(-4)), 12);
  });

  it('eq. 13 roots on random rows agree with plain bisection', () => {
    const rng = createRng(3);
    for (let trial = 0; trial < 20; trial++) {
      const n = 5 + rng.int(40);
      const a = Array.from({ length: n }, () => rng.next());
      const eps = [1, 0.1, 0.01, 0.001][trial % 4];
      const target = 0.5 + rng.next() * (n - 1);
      const t = softRoot(Float64Array.from(a), n, eps, target, 1, 0, 1e-9);
      expect(t).toBeCloseTo(Math.max(0, bisectRoot(a, eps, target)), 5);
    }
  });

  it('eq. 14: as ε → 0 the row root tends to the TopK threshold', () => {
    const a = [0.9, 0.7, 0.5, 0.3, 0.1];
    const t = softRoot(Float64Array.from(a), 5, 1e-6, 2, 1, 0, 1e-9);
    expect(t).toBeGreaterThan(0.5);
    expect(t).toBeLessThan(0.7);
    expect(kthLargest(Float64Array.from(a), 5, 2)).toBe(0.7);
  });
});

describe('Dual without item constraints (β = 0)', () => {
  it("is each row's top K by score (a full sort per row), with v = 0 and u the best score left out", () => {
    const rng = createRng(8);
    const m = 30;
    const p = 20;
    const data = Float32Array.from({ length: m * p }, () => rng.next());
    const sol = solveDual(denseScores(m, p, data), { alpha: 0.15, beta: 0 });
    for (let x = 0; x < m; x++) {
      const order = Array.from({ length: p }, (_, y) => y).sort((a, b) => data[x * p + b] - data[x * p + a]);
      const got = Array.from(sol.assignment.indices.subarray(sol.assignment.indptr[x], sol.assignment.indptr[x + 1]));
      expect(got).toEqual(order.slice(0, 3).sort((a, b) => a - b));
      expect(sol.state.u[x]).toBeCloseTo(data[x * p + order[3]], 6);
    }
    expect(Array.from(sol.state.v).every((v) => v === 0)).toBe(true);
  });
});

describe('Dual on a 2×2 instance solved by hand', () => {
  it('gives each row one item and each item one row: the 1.1 optimum, not the greedy-by-row 1.0 + 0.6', () => {
    // Rows both prefer item 0; capacity 1 per row (α = 1/2), exposure ≥ 1 per item (β = 1/2).
    // Feasible integral plans: {(0,0),(1,1)} = 1.1 and {(0,1),(1,0)} = 0.8.
    const sol = solveDual(denseScores(2, 2, Float32Array.of(1, 0.2, 0.6, 0.1)), { alpha: 0.5, beta: 0.5 });
    expect(Array.from(sol.assignment.indices)).toEqual([0, 1]);
    expect(sol.objective).toBeCloseTo(1.1, 5);
    expect(sol.state.v[1]).toBeLessThan(0);
    // Row 1 prefers item 1 after the shift: 0.1 − v1 > 0.6 − v0.
    expect(0.1 - sol.state.v[1]).toBeGreaterThan(0.6 - sol.state.v[0]);
  });
});

describe('Dual with a cap β′ on identical rows (Pop-like scores: every row ranks the items alike)', () => {
  // 60 identical rows over 3 items, scores [3, 2, 1], K = 1, each item at most 20 rows. By hand, the LP optimum
  // fills every cap: 20 rows per item (objective 20·(3 + 2 + 1) = 120); any rule that decides identical rows alike
  // gives one item all 60 rows.
  const m = 60;
  const data = new Float32Array(m * 3);
  for (let x = 0; x < m; x++) data.set([3, 2, 1], x * 3);
  const settings = { alpha: 1 / 3, beta: 0, betaMax: 1 / 3 };
  const exposure = (indices: Int32Array) => [0, 1, 2].map((y) => indices.filter((i) => i === y).length);

  it('the rounded decisions (default) split the group as the LP does: 20 rows an item on average, none far above', () => {
    const mean = [0, 0, 0];
    const seeds = 20;
    for (let seed = 1; seed <= seeds; seed++) {
      const sol = solveDual(denseScores(m, 3, data), settings, { method: 'anneal', seed });
      const e = exposure(sol.assignment.indices);
      expect(e.reduce((a, b) => a + b, 0)).toBe(60);
      for (const [y, n] of e.entries()) {
        expect(n).toBeLessThanOrEqual(30);
        mean[y] += n / seeds;
      }
    }
    for (const n of mean) {
      expect(n).toBeGreaterThan(17);
      expect(n).toBeLessThan(23);
    }
  });

  it("the hard rule gives every row the same item, past that item's cap", () => {
    const sol = solveDual(denseScores(m, 3, data), settings, { method: 'anneal', decision: 'hard' });
    expect(Math.max(...exposure(sol.assignment.indices))).toBe(60);
  });
});

describe('an offline α sweep with a cap β′, each point warm-started from the one before', () => {
  // Six annealed solves with a cap, each converging every level: tens of seconds on a loaded machine.
  it('keeps every point within the caps: exposures total at most min(K·rows, cap·items), as a cold solve does', () => {
    // Pop-like scores: 12 distinct user intensities times a Zipf popularity, no noise (tied rows, long tail).
    const rng = createRng(5);
    const [m, p] = [400, 60];
    const data = new Float32Array(m * p);
    for (let x = 0; x < m; x++) {
      const a = Math.exp(Math.floor(12 * rng.next()) / 4);
      for (let y = 0; y < p; y++) data[x * p + y] = a / (1 + y);
    }
    const betaMax = 0.02;
    const target = noTargets(m, p);
    const alphas = [0.02, 0.05, 0.1];
    const pts = sweepAlpha(denseScores(m, p, data), alphas, betaMax, 'offline', target);
    for (const [i, alpha] of alphas.entries()) {
      const bound = Math.min(Math.round(alpha * p) * m, betaMax * m * p);
      // c: mean recommendations per item; a few over the bound from the rounding of tied groups at most.
      expect(pts[i].c * p).toBeLessThanOrEqual(1.05 * bound);
      const cold = solveDual(denseScores(m, p, data), { alpha, beta: 0, betaMax });
      expect(pts[i].c * p).toBeCloseTo(cold.assignment.indices.length, -1);
    }
  }, 180_000);
});

describe('an annealed solve with a cap β′ on tied rows with room to spare (the α sweep) converges', () => {
  it('its v fills every cap when each row then solves its own u, as the LP optimum does', async () => {
    // Pop-like scores: 12 distinct user intensities times a Zipf popularity (tied rows, long tail); K = 2 of 40
    // items, each item at most β'·200 = 5 rows (total capacity 400 against 200 in the caps).
    const rng = createRng(5);
    const [m, p, K, cap] = [200, 40, 2, 5];
    const data = new Float32Array(m * p);
    for (let x = 0; x < m; x++) {
      const a = Math.exp(Math.floor(12 * rng.next()) / 4);
      for (let y = 0; y < p; y++) data[x * p + y] = a / (1 + y);
    }
    // An LP optimum fills every cap: forcing every column to exactly `cap` costs nothing.
    const free = await lpOptimum(data, m, p, K, 0, cap);
    expect(await lpOptimum(data, m, p, K, cap, cap)).toBeCloseTo(free, 4);
    const ws = createDualWorkspace();
    const sol = solveDual(denseScores(m, p, data), { alpha: K / p, beta: 0, betaMax: cap / m }, { workspace: ws });
    // What the online Dual does with this v on these rows (rounding.ts, expected exposures Σ_x π_xy, no draw).
    const expected = new Float64Array(p);
    roundedDecisions(data, m, p, K, sol.state.v, sol.state.eps * ws.scale, 1, expected);
    const fill = expected.reduce((s, e) => s + e, 0) / (p * cap);
    expect(fill).toBeGreaterThan(0.98);
    expect(fill).toBeLessThan(1.01);
    for (const e of expected) expect(e / cap).toBeGreaterThan(0.95);
  });
});

describe('Dual against an exact LP (HiGHS) on small random instances', () => {
  const cases = [
    { m: 60, p: 40, alpha: 0.1, beta: 0.05, seed: 1 },
    { m: 80, p: 50, alpha: 0.1, beta: 0.08, seed: 2 },
    { m: 50, p: 30, alpha: 0.2, beta: 0.1, seed: 3 },
    { m: 100, p: 40, alpha: 0.05, beta: 0.02, seed: 4 },
  ];
  for (const c of cases) {
    it(`${c.m}×${c.p}, α = ${c.alpha}, β = ${c.beta}: ≥ 98% of the LP optimum, no user over capacity, ≥ 95% of items at their minimum (within one)`, async () => {
      const rng = createRng(c.seed);
      const data = drawScores(scoreWorld(c.p, rng, 4, 1), c.m, rng);
      const K = Math.round(c.alpha * c.p);
      const L = c.beta * c.m;
      const opt = await lpOptimum(data, c.m, c.p, K, L, Infinity);
      const sol = solveDual(denseScores(c.m, c.p, data), { alpha: c.alpha, beta: c.beta });
      expect(sol.objective).toBeGreaterThanOrEqual(0.98 * opt);
      expect(Math.max(...sol.userLoad)).toBeLessThanOrEqual(K);
      const atMin = Array.from(sol.itemExposure).filter((e) => e >= Math.ceil(L - 1e-9) - 1).length;
      expect(atMin / c.p).toBeGreaterThanOrEqual(0.95);
    });
  }
});

describe('Online transfer', () => {
  it('v calibrated on one sample of user states delivers ≥ 90% of the β target on a fresh sample', () => {
    const rng = createRng(11);
    const world = scoreWorld(200, rng, 6, 1);
    // 2,000 rows: β·rows = 40 per item, so sampling noise alone (±√40) costs a few percent of delivery.
    const m = 2000;
    const valid = drawScores(world, m, rng);
    const test = drawScores(world, m, rng);
    const s = { alpha: 0.05, beta: 0.02 };
    const sol = solveOnline(denseScores(m, 200, valid), denseScores(m, 200, test), s);
    const goal = s.beta * m;
    let delivered = 0;
    for (const e of sol.itemExposure) delivered += Math.min(1, e / goal);
    expect(delivered / 200).toBeGreaterThanOrEqual(0.9);
    // Without v (plain TopK), the same test rows leave most of the target undelivered: the check can fail.
    const plain = solveOnline(denseScores(m, 200, valid), denseScores(m, 200, test), { alpha: 0.05, beta: 0 });
    let plainDelivered = 0;
    for (const e of plain.itemExposure) plainDelivered += Math.min(1, e / goal);
    expect(plainDelivered / 200).toBeLessThan(0.9);
    expect(Math.max(...sol.userLoad)).toBeLessThanOrEqual(Math.round(s.alpha * 200));
  });

  it('a warm-started online β sweep on long-tailed λ(x)·pop(y) scores delivers as a cold solve does', () => {
    // Intensity-like scores (a RIM model's shape): a long-tailed user intensity times a Zipf item popularity, with
    // noise; validation and test rows of different sizes.
    const rng = createRng(12);
    const p = 100;
    const draw = (m: number) => {
      const out = new Float32Array(m * p);
      for (let x = 0; x < m; x++) {
        const a = Math.exp(1.5 * rng.normal());
        for (let y = 0; y < p; y++) out[x * p + y] = (a / (1 + y)) * Math.exp(0.3 * rng.normal());
      }
      return out;
    };
    const [mv, mt] = [1000, 500];
    const valid = denseScores(mv, p, draw(mv));
    const test = denseScores(mt, p, draw(mt));
    const target = noTargets(mt, p);
    // β = 0 leaves v = 0; each later point starts from the previous point's v.
    const pts = sweepBeta(test, 0.05, [0, 0.02, 0.04], 'online', target, { valid });
    const cold = solveOnline(valid, test, { alpha: 0.05, beta: 0.04 });
    let coldDelivered = 0;
    for (const e of cold.itemExposure) coldDelivered += Math.min(1, e / (0.04 * mt));
    coldDelivered /= p;
    // β·test rows = 10 and 20 users an item: sampling noise alone costs several percent of the target.
    expect(coldDelivered).toBeGreaterThanOrEqual(0.8);
    for (const pt of pts.slice(1)) expect(pt.delivered).toBeGreaterThanOrEqual(0.8);
    expect(Math.abs(pts[2].delivered - coldDelivered)).toBeLessThan(0.03);
  });
});
