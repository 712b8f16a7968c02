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
import { sig, softRoot } from '../src/core/planner/kernels';
import { rngFor, shuffleInPlace } from '../src/core/util/rng';

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

/** Mean over items of exposure / goal, unclipped: Figure S7's "average percentage of users delivered per item". */
const meanShareOf = (exposure: ArrayLike<number>, goal: number): number => {
  let s = 0;
  for (let y = 0; y < exposure.length; y++) s += exposure[y] / goal;
  return s / exposure.length;
};

/**
 * rime's `Dual.transform` on every row, with no rounding and no candidate filter: u_x the projected root of
 * Σ_y sigmoid((λ_xy − u_x − v_y)/ε) = K over all items (u ≥ 0), then Σ_x π_xy per item. Independent of
 * rounding.ts, so that its candidate set can be checked against the plain formula of eq. 12.
 */
export function softExposure(data: Float32Array, n: number, p: number, K: number, v: Float64Array, eps: number) {
  const out = new Float64Array(p);
  const a = new Float64Array(p);
  for (let x = 0; x < n; x++) {
    for (let y = 0; y < p; y++) a[y] = data[x * p + y] - v[y];
    const u = softRoot(Float64Array.from(a), p, eps, K, 1, 0, 1e-7);
    for (let y = 0; y < p; y++) out[y] += sig((a[y] - u) / eps);
  }
  return out;
}

export interface AlphaDeliveryRow {
  alpha: number;
  betaMax: number;
  /** Figure S7's measure (mean exposure / (β'·rows)) on the test rows with v from the validation rows. */
  test: { rounded: number; hard: number; expected: number; soft: number };
  /** The same v on the validation rows it was calibrated on. */
  valid: { rounded: number; expected: number; soft: number };
  /** v calibrated on the test rows themselves: what any v could deliver there (the online rule's upper bound). */
  testFit: { rounded: number; expected: number; soft: number };
  calibration: { eps: number; userResidual: number; itemResidual: number; iterations: number };
  /** Mean score of the validation and test rows (the transfer's scale). */
  meanScore: { valid: number; test: number };
}

/** v calibrated on `n` rows with the α sweep's cap β' and no floor, as solveOnline does; ε back in score units. */
function calibrateCap(data: Float32Array, n: number, p: number, alpha: number, betaMax: number) {
  const workspace = createDualWorkspace();
  const cal = solveDual(denseScores(n, p, data), { alpha, beta: 0, betaMax }, { method: 'anneal', workspace });
  return { cal, eps: cal.state.eps * workspace.scale };
}

/** Figure S7's measure of the rounded rule's expected exposures Σ_x π_xy (no draw) on `n` rows. */
function expectedShare(
  data: Float32Array,
  n: number,
  p: number,
  K: number,
  v: Float64Array,
  eps: number,
  goal: number,
) {
  const expected = new Float64Array(p);
  roundedDecisions(data, n, p, K, v, eps, 1, expected);
  return meanShareOf(expected, goal);
}

/**
 * Claim 3 in the α sweep (Figure S7): per α, v calibrated on the validation rows with item maximal exposure β' (as
 * solveOnline does), then the delivered share by Figure S7's measure on the test rows, on the validation rows, and
 * with v calibrated on the test rows themselves. `soft` is rime's transform (softExposure), `expected` the rounded
 * rule's Σπ, `rounded` its draws (mean over seeds).
 */
export function onlineAlphaDelivery(
  valid: ScoreSource,
  test: ScoreSource,
  alphas: number[],
  betaMax: number,
  seeds = 5,
): AlphaDeliveryRow[] {
  const p = test.nCols;
  const vData = materialize(valid) as Float32Array;
  const tData = materialize(test) as Float32Array;
  const mean = (d: Float32Array) => d.reduce((s, x) => s + x, 0) / d.length;
  const meanScore = { valid: mean(vData), test: mean(tData) };
  const measure = (data: Float32Array, n: number, K: number, v: Float64Array, eps: number) => {
    const goal = betaMax * n;
    let rounded = 0;
    for (let seed = 1; seed <= seeds; seed++)
      rounded +=
        meanShareOf(
          assignmentCounts(decideOnline(data, n, p, K, v, { decision: 'rounded', eps, seed })).itemExposure,
          goal,
        ) / seeds;
    const hard = meanShareOf(
      assignmentCounts(decideOnline(data, n, p, K, v, { decision: 'hard', eps, seed: 1 })).itemExposure,
      goal,
    );
    return {
      rounded,
      hard,
      expected: expectedShare(data, n, p, K, v, eps, goal),
      soft: meanShareOf(softExposure(data, n, p, K, v, eps), goal),
    };
  };
  const out: AlphaDeliveryRow[] = [];
  for (const alpha of alphas) {
    const K = Math.round(alpha * p);
    const { cal, eps } = calibrateCap(vData, valid.nRows, p, alpha, betaMax);
    const r = cal.residuals;
    const fit = calibrateCap(tData, test.nRows, p, alpha, betaMax);
    const onValid = measure(vData, valid.nRows, K, cal.state.v, eps);
    const onFit = measure(tData, test.nRows, K, fit.cal.state.v, fit.eps);
    out.push({
      alpha,
      betaMax,
      test: measure(tData, test.nRows, K, cal.state.v, eps),
      valid: { rounded: onValid.rounded, expected: onValid.expected, soft: onValid.soft },
      testFit: { rounded: onFit.rounded, expected: onFit.expected, soft: onFit.soft },
      calibration: {
        eps: cal.state.eps,
        userResidual: r.user[r.user.length - 1],
        itemResidual: r.item[r.item.length - 1],
        iterations: cal.iterations,
      },
      meanScore,
    });
  }
  return out;
}

export interface ResplitRow {
  alpha: number;
  /** Figure S7's measure (rounded rule's Σπ) on the test rows with v from the validation rows: the actual transfer. */
  actual: number;
  /** The same after each random re-split of the pooled rows into groups of the validation and test sizes. */
  resplits: number[];
  mean: number;
  sd: number;
  /** Share of the re-splits that deliver less than the actual transfer. */
  below: number;
}

/**
 * Is the actual transfer's shortfall what two samples of these sizes give by chance? The validation and test rows
 * are pooled and split again at random `R` times into groups of the same sizes (a seeded shuffle each); v is
 * calibrated on the first group and Figure S7's measure taken on the second. An actual transfer inside the spread
 * of the re-splits is sampling, one below all of them a shift between the two groups (appendix F's MF artifact).
 */
export function onlineResplitDelivery(
  valid: ScoreSource,
  test: ScoreSource,
  alphas: number[],
  betaMax: number,
  R = 10,
  seed = 1,
): ResplitRow[] {
  const p = test.nCols;
  const nV = valid.nRows;
  const nT = test.nRows;
  const pooled = new Float32Array((nV + nT) * p);
  pooled.set(materialize(valid) as Float32Array);
  pooled.set(materialize(test) as Float32Array, nV * p);
  const groups = [{ a: pooled.subarray(0, nV * p), b: pooled.subarray(nV * p) }];
  for (let r = 0; r < R; r++) {
    const order = shuffleInPlace(
      Int32Array.from({ length: nV + nT }, (_, i) => i),
      rngFor(seed, `resplit ${r}`),
    );
    const a = new Float32Array(nV * p);
    const b = new Float32Array(nT * p);
    for (let i = 0; i < nV + nT; i++) {
      const row = pooled.subarray(order[i] * p, (order[i] + 1) * p);
      if (i < nV) a.set(row, i * p);
      else b.set(row, (i - nV) * p);
    }
    groups.push({ a, b });
  }
  return alphas.map((alpha) => {
    const K = Math.round(alpha * p);
    const shares = groups.map(({ a, b }) => {
      const { cal, eps } = calibrateCap(a, nV, p, alpha, betaMax);
      return expectedShare(b, nT, p, K, cal.state.v, eps, betaMax * nT);
    });
    const [actual, ...resplits] = shares;
    const mean = resplits.reduce((s, x) => s + x, 0) / R;
    const sd = Math.sqrt(resplits.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, R - 1));
    return { alpha, actual, resplits, mean, sd, below: resplits.filter((x) => x < actual).length / R };
  });
}
