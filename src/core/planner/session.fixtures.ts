/**
 * Test support for the planner session and the planner worker's API: a tiny input and solvers that record their
 * calls (no real solving), so the session's memo, warm starts and stops can be checked call by call.
 */
import type { Csr } from '../data/types';
import type { PlannerSolvers, ScoreMatrix } from './solvers';
import type { DualState, MatchMetrics, MatchSettings, MatchSolution, PlannerInput } from './types';

/** A 3×4 input with two models (only A has validation rows); targets: row r wants item r. */
export function tinyInput(): PlannerInput {
  const scores = (k: number) => Float32Array.from({ length: 12 }, (_, i) => ((i * 7 + k) % 5) / 5);
  const target: Csr = {
    nRows: 3,
    nCols: 4,
    indptr: Int32Array.from([0, 1, 2, 3]),
    indices: Int32Array.from([0, 1, 2]),
    data: Float32Array.from([1, 1, 1]),
  };
  return {
    models: ['A', 'B'].map((model, k) => ({
      model,
      test: scores(k),
      testRows: 3,
      valid: k === 0 ? scores(3) : null,
      validRows: k === 0 ? 3 : 0,
      nItems: 4,
    })),
    target,
    itemIds: ['i0', 'i1', 'i2', 'i3'],
  };
}

export const FIXED_METRICS: MatchMetrics = {
  k: 1,
  c: 1,
  prec: 0.5,
  recall: 0.5,
  user_recall: 0.25,
  item_ppl: 2,
  item_cov: 0.5,
  user_ppl: 3,
  user_cov: 1,
  'recs/item_25%': 0,
  'recs/item_50%': 1,
  'recs/item_75%': 1,
  delivered: 1,
};

/** Greedy and offline solvers that record their calls; v of the k-th call is −k, so warm starts can be traced. */
export function recordingSolvers() {
  const calls: { mode: string; settings: MatchSettings; warm: DualState | null }[] = [];
  const solution = (
    mode: MatchSolution['mode'],
    s: ScoreMatrix,
    settings: MatchSettings,
    warm: DualState | null,
  ): MatchSolution => {
    calls.push({ mode, settings, warm });
    const v = new Float64Array(s.nCols).fill(-calls.length);
    return {
      mode,
      settings,
      assignment: { nRows: s.nRows, nCols: s.nCols, indptr: new Int32Array(s.nRows + 1), indices: new Int32Array(0) },
      objective: 0,
      itemExposure: new Int32Array(s.nCols).fill(2),
      userLoad: new Int32Array(s.nRows),
      state: { u: new Float64Array(s.nRows), v, eps: 0.01 },
      residuals: { user: [], item: [] },
      iterations: 3,
      seconds: 0.001,
    };
  };
  const solvers: PlannerSolvers = {
    greedy: (s, settings) => solution('greedy', s, settings, null),
    offline: (s, settings, warm) => solution('offline', s, settings, warm),
    evaluate: () => FIXED_METRICS,
  };
  return { solvers, calls };
}
