/**
 * The offline Dual's ε → 0 limit (eq. 14) solved on all rows by the price auction of auction.ts: what offline
 * planning uses by default for minimal exposure (β). Annealing ε (eqs. 12-13, dual.ts) is what the item-maximum (β')
 * case and online calibration use: online decisions are TopK{λ − v} per user, and the auction's prices reproduce its
 * chosen sets only up to its raise margin.
 *
 * Warm starts resume the auction from a previous assignment at the same K and a lower or equal β (prices only rise
 * from there: each boosted item wins its few extra users). Re-deriving the chosen sets from old prices instead starts
 * a cascade of corrections (with the raise margin they are not exactly the top K of λ + w), and resuming from a
 * higher β needs lowerings that each rescan rows: both cost more than solving afresh (measured at 6,040 × 3,706:
 * cold 1.5 s, resumed one slider step up 0.35 s, one step down 24 s), so those start cold.
 */
import type { StopSignal } from '../util/abort';
import { solveAuction } from './auction';
import { assignmentOf, hardK, hardResiduals, secondsSince, solutionOf } from './common';
import { assignmentCounts } from './metrics';
import type { DualState, MatchSettings, MatchSolution } from './types';

export function solveExact(
  data: Float32Array,
  transposed: Float32Array,
  nRows: number,
  nCols: number,
  s: MatchSettings,
  signal?: StopSignal,
  warm?: DualState,
): MatchSolution {
  const t0 = Date.now();
  const K = hardK(s, nCols);
  // Minimal exposure in whole users, rounded like K (round(α·n_items)): within one of β·rows; never more than the
  // users' capacity holds (β = α can ask for a few more after rounding).
  const lo = Math.min(Math.round(s.beta * nRows), Math.floor((nRows * K) / Math.max(1, nCols)));
  const prev = warm?.auction;
  const resume = prev && prev.K === K && prev.lo <= lo && prev.chosen.length === nRows * K && prev.w.length === nCols ? prev : undefined;
  const r = solveAuction({ data, transposed, nRows, nCols, K, lo, hi: Infinity }, { signal, resume });
  // Each row's chosen items, ascending (typed arrays: a JS array of 223k numbers and per-row sorts cost ~20 ms).
  const indptr = new Int32Array(nRows + 1);
  const cols = new Int32Array(nRows * K);
  let nnz = 0;
  for (let x = 0; x < nRows; x++) {
    const start = nnz;
    for (let i = 0; i < K; i++) {
      const y = r.chosen[x * K + i];
      if (y >= 0) cols[nnz++] = y;
    }
    cols.subarray(start, nnz).sort();
    indptr[x + 1] = nnz;
  }
  const assignment = assignmentOf(nRows, nCols, indptr, cols.slice(0, nnz));
  const { userLoad, itemExposure } = assignmentCounts(assignment);
  const res = hardResiduals(assignment, s, userLoad, itemExposure);
  const v = new Float64Array(nCols);
  for (let y = 0; y < nCols; y++) v[y] = r.w[y] === 0 ? 0 : -r.w[y];
  const auction = { K, lo, chosen: r.chosen, values: r.values, w: r.w };
  return solutionOf('offline', s, data, assignment, { u: r.u, v, eps: 0, auction }, { user: [res.user], item: [res.item] }, r.raises + r.lowers, secondsSince(t0));
}
