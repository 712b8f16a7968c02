/**
 * Online Dual (paper section 4, Algorithm 1's "Ensure" line, appendix F): v is calibrated on validation user states
 * (a draw from the user-state distribution, appendix C.2), then every test row is decided alone, in real time, by
 * TopK{λ_xy − v_y : y} (the top round(α·n_items) among positive values). Nothing about the test rows as a set is
 * looked at: exposures on the test rows are whatever v delivers (Figure S7's "delivered").
 */
import type { ScoreSource } from '../models/scores';
import { checkSettings, denseOf, hardK, secondsSince, solutionOf } from './common';
import { hardDecisions, leftOutBest, solveDual, type DualOptions } from './dual';
import type { MatchSettings, MatchSolution } from './types';

export type OnlineOptions = DualOptions;

/**
 * Calibrates v on `valid` (warm-started from opts.warm's v when given) and decides each row of `test` by
 * TopK{λ − v}. The returned u is eq. 14's per-row threshold on the test rows: the best λ − v left out, projected
 * to ≥ 0; residuals and iterations are the calibration's.
 */
export function solveOnline(
  valid: ScoreSource,
  test: ScoreSource,
  s: MatchSettings,
  opts: OnlineOptions = {},
): MatchSolution {
  checkSettings(s);
  if (valid.nCols !== test.nCols)
    throw new RangeError(`solveOnline: validation has ${valid.nCols} items, test ${test.nCols}`);
  const t0 = Date.now();
  // A warm start gives the calibration its starting v only (no u of these rows): the annealing then runs its whole
  // schedule. Resumed at the previous point's final ε instead, the sweeps stall on long-tailed intensity scores with
  // most items short of β on the validation rows themselves.
  const warm = opts.warm ? { u: new Float64Array(0), v: opts.warm.v, eps: opts.warm.eps } : undefined;
  // Annealed (not the auction): v must reproduce decisions as TopK{λ − v} on rows it has never seen.
  const cal = solveDual(valid, s, { ...opts, warm, method: 'anneal' });
  const data = denseOf(test);
  const { nRows: m, nCols: p } = test;
  const v = cal.state.v;
  const assignment = decideOnline(data, m, p, hardK(s, p), v);
  const u = new Float64Array(m);
  leftOutBest(data, p, assignment, v, u);
  return solutionOf(
    'online',
    s,
    data,
    assignment,
    { u, v, eps: cal.state.eps },
    cal.residuals,
    cal.iterations,
    secondsSince(t0),
  );
}

/** Each row alone: the top K of λ − v among positive values (ties to the lower item index). */
export const decideOnline = (data: Float32Array, m: number, p: number, K: number, v: Float64Array) =>
  hardDecisions(data, m, p, K, v);
