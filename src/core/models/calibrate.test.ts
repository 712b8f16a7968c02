import { describe, expect, it } from 'vitest';
import type { EvalSet } from '../data/types';
import { chooseTemperature, TAU_GRID, temperedScores, userLogLik, type CalibrationObjective } from './calibrate';
import { denseScores, materialize } from './scores';
import { csrFromDense } from './intensity/testSupport';

/** Two validation rows (users 0 and 1) over two items, with the given target counts. */
function validRows(target: number[][]): EvalSet {
  return {
    users: Int32Array.from([0, 1]),
    testStart: Float64Array.from([0, 0]),
    histEnd: Int32Array.from([0, 0]),
    horizon: 1,
    target: csrFromDense(target, 2),
    excludeTrain: false,
  };
}

/** chooseTemperature on two hand rows: λ per user, p as a users × items table, the validation targets, top-1 users. */
function chooseOnHandRows(lambda: number[], p: number[][], target: number[][], objective?: CalibrationObjective) {
  const scores = denseScores(p.length, p[0].length, Float32Array.from(p.flat()));
  return chooseTemperature(lambda, scores, validRows(target), { topC: 1, objective })!;
}

/**
 * Brute force, independent of the code under test: the top-1 user of each item by λ·p^τ/Σp^τ written out for two
 * rows, UserRec recall = mean over items with a target of (hit ? 1 : 0).
 */
function bruteRecall(lambda: number[], p: number[][], target: number[][], tau: number): number {
  const s = p.map((row, r) => {
    const z = row.reduce((a, v) => a + v ** tau, 0);
    return row.map((v) => (lambda[r] * v ** tau) / z);
  });
  let hits = 0;
  let items = 0;
  for (let c = 0; c < 2; c++) {
    if (target[0][c] + target[1][c] === 0) continue;
    items++;
    const top = s[0][c] >= s[1][c] ? 0 : 1;
    if (target[top][c] > 0) hits++;
  }
  return hits / items;
}

describe('temperature of p(y|x) in a RIM composition', () => {
  it('is λ(x) · p^τ / Σ p^τ: rows sum to λ(x), item order kept (closed form)', () => {
    const p = [0.6, 0.3, 0.1, 0.7, 0.2, 0.1];
    const lambda = [2, 0.5];
    for (const tau of [0.5, 1, 2]) {
      const s = materialize(temperedScores(lambda, denseScores(2, 3, Float32Array.from(p)), tau))!;
      for (let r = 0; r < 2; r++) {
        const row = p.slice(3 * r, 3 * r + 3);
        const z = row.reduce((a, v) => a + v ** tau, 0);
        for (let c = 0; c < 3; c++) expect(s[3 * r + c]).toBeCloseTo((lambda[r] * row[c] ** tau) / z, 6);
        expect(s[3 * r] + s[3 * r + 1] + s[3 * r + 2]).toBeCloseTo(lambda[r], 6);
        expect(s[3 * r]).toBeGreaterThan(s[3 * r + 1]);
      }
    }
    // τ = 2 by hand on row 0: 0.36, 0.09, 0.01 over 0.46, times λ = 2.
    const s2 = materialize(temperedScores(lambda, denseScores(2, 3, Float32Array.from(p)), 2))!;
    expect(s2[0]).toBeCloseTo((2 * 0.36) / 0.46, 6);
  });

  it('chooses τ > 1 when the active user is a flat one and a sharp user came (hand case: τ = 1.5)', () => {
    // User 0: λ 1.5, p (½, ½): 0.75 on both items at every τ. User 1: λ 1, p (0.7, 0.3), came for item 0; user 0 came
    // for item 1. User 1 tops item 0 when 1/(1 + (3/7)^τ) > 0.75, i.e. τ > ln 3 / ln(7/3) ≈ 1.297: recall ½ below, 1
    // from τ = 1.5 on; ties go to the τ nearest 1.
    const lambda = [1.5, 1];
    const p = [
      [0.5, 0.5],
      [0.7, 0.3],
    ];
    const target = [
      [0, 1],
      [1, 0],
    ];
    const cal = chooseOnHandRows(lambda, p, target);
    const brute = TAU_GRID.map((tau) => bruteRecall(lambda, p, target, tau));
    expect(cal.validRecall).toEqual(brute);
    expect(brute).toEqual(TAU_GRID.map((tau) => (tau > 1.297 ? 1 : 0.5)));
    expect(cal.tau).toBe(1.5);
  });

  it('chooses τ < 1 when a sharp, active user came for their unlikely item (hand case: τ = 0.75)', () => {
    // User 0: λ 0.5, p (½, ½): 0.25 on each item. User 1: λ 2, p (0.9, 0.1), came for both items. Item 1: user 1
    // scores 2·0.1^τ/(0.9^τ + 0.1^τ): 0.2 at τ = 1 (user 0 wins), 0.32 at τ = 0.75, so τ ≤ 0.75 hits both items.
    const lambda = [0.5, 2];
    const p = [
      [0.5, 0.5],
      [0.9, 0.1],
    ];
    const target = [
      [0, 0],
      [1, 1],
    ];
    const cal = chooseOnHandRows(lambda, p, target);
    expect(cal.validRecall).toEqual(TAU_GRID.map((tau) => bruteRecall(lambda, p, target, tau)));
    expect(cal.tau).toBe(0.75);
  });

  it('scores who came for which item by Σ n·log(s(x, y) / Σ_x′ s(x′, y)) per event (hand case), and can choose τ by it', () => {
    // Scores (0.75, 0.75) and (0.7, 0.3) at τ = 1; user 1 came for item 0, user 0 for item 1.
    const lambda = [1.5, 1];
    const p = [
      [0.5, 0.5],
      [0.7, 0.3],
    ];
    const target = [
      [0, 1],
      [1, 0],
    ];
    const src = (tau: number) => temperedScores(lambda, denseScores(2, 2, Float32Array.from(p.flat())), tau);
    const want = (Math.log(0.7 / 1.45) + Math.log(0.75 / 1.05)) / 2;
    expect(userLogLik(src(1), validRows(target))).toBeCloseTo(want, 6);
    // By brute force over the grid: user 1's share of item 0 is 1/(1 + (3/7)^τ) / (… + 0.75), user 0's of item 1
    // 0.75 / (0.75 + (3/7)^τ/(1 + (3/7)^τ)); their mean log is largest at the grid's largest τ here.
    const brute = TAU_GRID.map((tau) => {
      const q = 1 / (1 + (3 / 7) ** tau);
      return (Math.log(q / (q + 0.75)) + Math.log(0.75 / (0.75 + 1 - q))) / 2;
    });
    const cal = chooseOnHandRows(lambda, p, target, 'likelihood');
    cal.validLogLik.forEach((v, i) => expect(v).toBeCloseTo(brute[i], 6));
    expect(cal.tau).toBe(TAU_GRID[brute.indexOf(Math.max(...brute))]);
    expect(cal.tau).toBe(3);
  });

  it('keeps τ = 1 when no τ does better, and gives none on a window without targets', () => {
    const lambda = [1, 1];
    const flat = denseScores(2, 2, Float32Array.from([0.5, 0.5, 0.5, 0.5]));
    const some = [
      [1, 0],
      [0, 0],
    ];
    expect(chooseTemperature(lambda, flat, validRows(some), { topC: 1 })!.tau).toBe(1);
    const none = [
      [0, 0],
      [0, 0],
    ];
    expect(chooseTemperature(lambda, flat, validRows(none), { topC: 1 })).toBeNull();
  });
});
