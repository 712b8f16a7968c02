import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng';
import { solveAuction, type AuctionResult } from './auction';
import { transpose } from './auctionScans';
import { createAuctionWorkspace, takeState } from './auctionState';
import { AuctionRun } from './auctionSteps';
import { lpOptimum } from './lp.testutil';
import { drawScores, scoreWorld } from './synthetic';

/** λ of 3 users × 3 items (rows): user 0 prefers item 0, user 1 item 0 then 1, user 2 item 1 then 2. */
const LAM = Float32Array.from([0.9, 0.5, 0.1, 0.8, 0.7, 0.2, 0.3, 0.6, 0.4]);

/** An auction run on LAM with K = 1 at zero prices, every user on its favourite (no workspace, no scan kernel). */
function chosenRun(lo: number, hi: number, delta = 0.01): AuctionRun {
  const T = transpose(LAM, 3, 3, false);
  const { st, kern } = takeState(undefined, T, 3, 3, 1, null);
  const run = new AuctionRun({ data: LAM, T, n: 3, m: 3, K: 1, lo, hi }, new Float64Array(3), st, kern, delta, false);
  run.choose();
  return run;
}

describe('auction steps, each alone on a hand-solved 3 × 3 example', () => {
  it('choose: every user takes its best item by λ + w', () => {
    const run = chosenRun(2, Infinity);
    expect(Array.from(run.choices.item)).toEqual([0, 0, 1]);
    expect(Array.from(run.exposure)).toEqual([2, 1, 0]);
    expect(Array.from(run.choices.kth)).toEqual([0.9, 0.8, 0.6].map(Math.fround));
    expect([0, 1, 2].map((y) => run.underExposed(y))).toEqual([false, true, true]);
  });

  it('raise: an item short of its minimum outbids the users cheapest to win, by their K-th value gap plus δ', () => {
    const run = chosenRun(2, Infinity);
    // Item 2 needs 2 users; what each would give up: 0.9 − 0.1, 0.8 − 0.2, 0.6 − 0.4. The two cheapest (users 2 and
    // 1) are won at a boost of 0.6 + δ; they drop items 0 and 1.
    run.raise(2);
    expect(run.w[2]).toBeCloseTo(0.61, 6);
    expect(Array.from(run.choices.item)).toEqual([0, 2, 2]);
    expect(Array.from(run.exposure)).toEqual([1, 0, 2]);
    expect(run.choices.kth[1]).toBeCloseTo(0.2 + 0.61, 6);
    expect(run.choices.kth[2]).toBeCloseTo(0.4 + 0.61, 6);
    expect(run.raises).toBe(1);
  });

  it('lower: an item over its cap drops the users with the smallest margin over their best other item', () => {
    const run = chosenRun(0, 1);
    // Item 0 is held by users 0 and 1, their margins over the best other item 0.9 − 0.5 and 0.8 − 0.7: it lowers by
    // the smaller margin plus δ, and user 1 moves to item 1 (now over its cap in turn).
    expect(run.overPriced(0)).toBe(true);
    run.lower(0);
    expect(run.w[0]).toBeCloseTo(-0.11, 6);
    expect(Array.from(run.choices.item)).toEqual([0, 1, 1]);
    expect(Array.from(run.exposure)).toEqual([1, 2, 0]);
    expect(run.choices.kth[0]).toBeCloseTo(0.9 - 0.11, 6);
    expect(run.overPriced(1)).toBe(true);
    expect(run.lowers).toBe(1);
  });

  it('settle: raises and lowers until every item meets its constraints; stepBack moves prices towards 0', () => {
    const run = chosenRun(1, 1, 1e-6);
    run.settle({ maxMoves: 100, widenAfter: Infinity, liftEvery: Infinity });
    expect(run.converged()).toBe(true);
    // Each item once, K = 1: the best perfect matching by λ (0.9 + 0.7 + 0.4 = 2.0; every other one is lower).
    expect(Array.from(run.choices.item)).toEqual([0, 1, 2]);
    const w = run.w;
    w.set([0.5, -0.3, 0.05]);
    run.stepBack(0.1);
    expect(Array.from(w)).toEqual([0.4, -0.19999999999999998, 0]);
  });
});

/** Σ λ over the assignment, and the LP dual bound of eq. 9 at the solve's (u, w) (an upper bound for any u ≥ 0, w). */
function primalDual(lam: Float32Array, n: number, m: number, K: number, lo: number, hi: number, r: AuctionResult) {
  let primal = 0;
  for (let x = 0; x < n; x++)
    for (let i = 0; i < K; i++) if (r.chosen[x * K + i] >= 0) primal += lam[x * m + r.chosen[x * K + i]];
  // min Σ K·u_x + Σ (hi·a_y − lo·b_y) + Σ s_xy with w = b − a and s_xy = max(0, λ + w − u): weak duality.
  let dual = 0;
  for (let x = 0; x < n; x++) {
    dual += K * r.u[x];
    for (let y = 0; y < m; y++) dual += Math.max(0, lam[x * m + y] + r.w[y] - r.u[x]);
  }
  for (let y = 0; y < m; y++) dual += (r.w[y] < 0 ? hi * -r.w[y] : 0) - (r.w[y] > 0 ? lo * r.w[y] : 0);
  return { primal, dual };
}

describe('auction solves against HiGHS: the LP optimum lies between the assignment and the dual bound of its prices', () => {
  const cases = [
    { n: 40, m: 20, K: 3, los: [2, 3, 5], hi: Infinity, seed: 21, ties: false },
    { n: 30, m: 15, K: 2, los: [1, 2, 4], hi: 6, seed: 23, ties: false },
    // Tied scores: a fine margin wars over the ties, so only the slider's solves are checked.
    { n: 36, m: 24, K: 4, los: [1, 4, 6], hi: Infinity, seed: 22, ties: true },
  ];
  for (const c of cases) {
    {
      it(`${c.n}×${c.m}, K = ${c.K}, lo ${c.los.join(' → ')}, hi = ${c.hi}${c.ties ? ', tied scores' : ''}`, async () => {
        const rng = createRng(c.seed);
        const lam = drawScores(scoreWorld(c.m, rng, 4, 1), c.n, rng);
        if (c.ties) for (let i = 0; i < lam.length; i++) lam[i] = Math.round(lam[i] * 4) / 4;
        const T = transpose(lam, c.n, c.m);
        const workspace = createAuctionWorkspace();
        let prev: AuctionResult | undefined;
        for (const lo of c.los) {
          const p = { data: lam, transposed: T, nRows: c.n, nCols: c.m, K: c.K, lo, hi: c.hi };
          const best = await lpOptimum(lam, c.n, c.m, c.K, lo, c.hi);
          if (!c.ties) {
            // A fine margin reached through coarser ones: assignment and prices are optimal (primal = dual = LP).
            const fine = solveAuction(p, {
              delta: 1e-7,
              stages: [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6],
              maxMoves: 1e6,
              widenAfter: Infinity,
            });
            const exact = primalDual(lam, c.n, c.m, c.K, lo, c.hi, fine);
            expect(fine.converged).toBe(true);
            expect(exact.primal).toBeGreaterThan(best - 1e-5 * best);
            expect(exact.dual).toBeLessThan(best + 1e-5 * best);
          }
          // The slider's way: resumed from the step below in one workspace at the default margin. Weak duality holds
          // both ways, and the assignment is within 2% of the optimum.
          const r = solveAuction(p, { workspace, resume: prev });
          const { primal, dual } = primalDual(lam, c.n, c.m, c.K, lo, c.hi, r);
          expect(r.converged).toBe(true);
          expect(primal).toBeLessThanOrEqual(best + 1e-6);
          expect(dual).toBeGreaterThanOrEqual(best - 1e-6);
          expect(primal).toBeGreaterThan(0.98 * best);
          prev = r;
        }
      });
    }
  }
});
