/**
 * Online Dual (paper section 4, Algorithm 1's "Ensure" line, appendix F): v is calibrated on validation user states
 * (a draw from the user-state distribution, appendix C.2), then every test row is decided alone, in real time.
 * Nothing about the test rows as a set is looked at: exposures on the test rows are whatever v delivers (Figure S7's
 * "delivered"). Two decision rules:
 * - rounded (default): the row's soft decisions at the calibration's final ε (eq. 12, its own u solved as rime's
 *   `Dual.transform` does), rounded to K items at random with exactly those probabilities (rounding.ts), seeded;
 * - hard: TopK{λ − v} (the top round(α·n_items) among positive values, eq. 14's ε → 0 limit).
 * Identical rows (user states that share λ(x)) need the rounded rule: the LP optimum splits such a group between
 * items, and one hard threshold per item gives every row of the group the same items (docs/claims.md, claim 3).
 */
import type { ScoreSource } from '../models/scores';
import { checkSettings, denseOf, hardK, secondsSince, solutionOf } from './common';
import { createDualWorkspace, hardDecisions, leftOutBest, solveDual, type DualOptions } from './dual';
import { roundedDecisions } from './rounding';
import type { Assignment, MatchSettings, MatchSolution } from './types';

/** How a test row takes its K items from v (and the calibration's ε); the same two rules as the offline solve's. */
export type OnlineDecision = NonNullable<DualOptions['decision']>;

export interface OnlineOptions extends DualOptions {
  /** Default 'rounded'. */
  decision?: OnlineDecision;
  // `seed` (DualOptions) also seeds the rounding: row x draws with its own stream of (seed, x).
}

/**
 * Calibrates v on `valid` (warm-started from opts.warm's v when given) and decides each row of `test` alone by the
 * chosen rule. The returned u is eq. 14's per-row threshold on the test rows: the best λ − v left out, projected
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
  const workspace = opts.workspace ?? createDualWorkspace();
  // Annealed (not the auction): v must reproduce decisions on rows it has never seen, and the rounding needs its ε.
  const cal = solveDual(valid, s, { ...opts, warm, workspace, method: 'anneal' });
  const data = denseOf(test);
  const { nRows: m, nCols: p } = test;
  const v = cal.state.v;
  // The calibration's ε is normalised by its max λ (workspace.scale); the rows' keys are in score units.
  const eps = cal.state.eps * workspace.scale;
  const assignment = decideOnline(data, m, p, hardK(s, p), v, {
    decision: opts.decision ?? 'rounded',
    eps,
    seed: opts.seed ?? 1,
  });
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

/**
 * Each row alone, K items from λ − v (raw units): by the hard rule, the top K among positive values (ties to the
 * lower item index); by the rounded rule, a seeded draw from the soft decisions at temperature `eps` (raw units).
 */
export function decideOnline(
  data: Float32Array,
  m: number,
  p: number,
  K: number,
  v: Float64Array,
  rule: { decision: OnlineDecision; eps: number; seed: number },
): Assignment {
  return rule.decision === 'hard'
    ? hardDecisions(data, m, p, K, v)
    : roundedDecisions(data, m, p, K, v, rule.eps, rule.seed);
}
