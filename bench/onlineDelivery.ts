// Claim 3 of docs/claims.md taken apart (bench/claims.ts ... online-delivery): for one model's kept scores and each
// β at α = K/items, v is calibrated once on the validation rows (as solveOnline does), then the delivered share of
// the β target (mean over items of min(1, exposure / (β·rows))) is measured on the validation rows themselves and on
// the test rows, by the hard rule, by the rounded rule (mean over seeds), and for the rounded rule's expected
// exposures Σ_x π_xy (no draw), beside what sampling alone predicts: E min(1, X/T) for X ~ Poisson(T), T = β·rows.
import type { Csr } from '../src/core/data/types';
import { denseScores, materialize, type ScoreSource } from '../src/core/models/scores';
import { createDualWorkspace, solveDual } from '../src/core/planner/dual';
import { evaluateMatch, assignmentCounts } from '../src/core/planner/metrics';
import { decideOnline } from '../src/core/planner/online';
import { roundedDecisions } from '../src/core/planner/rounding';

/** E min(1, X/T), X ~ Poisson(T): the delivered share when an item's exposure is a Poisson count with mean T. */
export function poissonDelivered(T: number): number {
  if (T <= 0) return 1;
  let p = Math.exp(-T);
  let s = 0;
  for (let x = 0; x < T * 5 + 50; x++) {
    s += p * Math.min(1, x / T);
    p *= T / (x + 1);
  }
  return s;
}

const deliveredOf = (exposure: ArrayLike<number>, goal: number): number => {
  let s = 0;
  for (let y = 0; y < exposure.length; y++) s += Math.min(1, exposure[y] / goal);
  return s / exposure.length;
};

export interface DeliveryRow {
  beta: number;
  rows: 'valid' | 'test';
  n: number;
  hard: number;
  rounded: number;
  expected: number;
  poisson: number;
  /** ItemRec recall of the decisions on the test rows (hard, rounded with seed 1). */
  recallHard?: number;
  recallRounded?: number;
  calibration: { eps: number; userResidual: number; itemResidual: number; iterations: number };
}

export function onlineDelivery(
  valid: ScoreSource,
  test: ScoreSource,
  target: Csr,
  K: number,
  betas: number[],
  seeds = 5,
): DeliveryRow[] {
  const p = test.nCols;
  const alpha = K / p;
  const sets = [
    { rows: 'valid' as const, data: materialize(valid) as Float32Array, n: valid.nRows },
    { rows: 'test' as const, data: materialize(test) as Float32Array, n: test.nRows },
  ];
  const out: DeliveryRow[] = [];
  for (const beta of betas) {
    const workspace = createDualWorkspace();
    // The calibration of solveOnline (online.ts): annealed on the validation rows, ε back in score units.
    const cal = solveDual(denseScores(valid.nRows, p, sets[0].data), { alpha, beta }, { method: 'anneal', workspace });
    const eps = cal.state.eps * workspace.scale;
    const v = cal.state.v;
    const r = cal.residuals;
    const calibration = {
      eps: cal.state.eps,
      userResidual: r.user[r.user.length - 1],
      itemResidual: r.item[r.item.length - 1],
      iterations: cal.iterations,
    };
    for (const { rows, data, n } of sets) {
      const goal = beta * n;
      const decide = (decision: 'hard' | 'rounded', seed: number) =>
        decideOnline(data, n, p, K, v, { decision, eps, seed });
      const hard = decide('hard', 1);
      let rounded = 0;
      for (let seed = 1; seed <= seeds; seed++)
        rounded += deliveredOf(assignmentCounts(decide('rounded', seed)).itemExposure, goal) / seeds;
      const expected = new Float64Array(p);
      roundedDecisions(data, n, p, K, v, eps, 1, expected);
      const row: DeliveryRow = {
        beta,
        rows,
        n,
        hard: deliveredOf(assignmentCounts(hard).itemExposure, goal),
        rounded,
        expected: deliveredOf(expected, goal),
        poisson: poissonDelivered(goal),
        calibration,
      };
      if (rows === 'test') {
        row.recallHard = evaluateMatch(hard, target, { alpha, beta }).recall;
        row.recallRounded = evaluateMatch(decide('rounded', 1), target, { alpha, beta }).recall;
      }
      out.push(row);
    }
  }
  return out;
}
