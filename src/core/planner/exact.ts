/**
 * The offline Dual's ε → 0 limit (eq. 14) solved on all rows by the price auction of auction.ts: what offline
 * planning uses by default for minimal exposure (β). Annealing ε (eqs. 12-13, dual.ts) is what the item-maximum (β')
 * case and online calibration use: online decisions are TopK{λ − v} per user, and the auction's prices reproduce its
 * chosen sets only up to its raise margin.
 *
 * Always a cold start: with its raise margin the auction's chosen sets are not exactly the top K of λ + w, so
 * re-deriving them from old prices starts a cascade of corrections that cost more than solving afresh (measured:
 * 1,510 × 927, cold 0.1 s, warm from the same β 9 s).
 */
import type { StopSignal } from '../util/abort';
import { solveAuction } from './auction';
import { assignmentOf, hardK, hardResiduals, secondsSince, solutionOf } from './common';
import { assignmentCounts } from './metrics';
import type { MatchSettings, MatchSolution } from './types';

export function solveExact(
  data: Float32Array,
  transposed: Float32Array,
  nRows: number,
  nCols: number,
  s: MatchSettings,
  signal?: StopSignal,
): MatchSolution {
  const t0 = Date.now();
  const K = hardK(s, nCols);
  // Minimal exposure in whole users, rounded like K (round(α·n_items)): within one of β·rows; never more than the
  // users' capacity holds (β = α can ask for a few more after rounding).
  const lo = Math.min(Math.round(s.beta * nRows), Math.floor((nRows * K) / Math.max(1, nCols)));
  const r = solveAuction({ data, transposed, nRows, nCols, K, lo, hi: Infinity }, { signal });
  const indptr = new Int32Array(nRows + 1);
  const cols: number[] = [];
  const row: number[] = [];
  for (let x = 0; x < nRows; x++) {
    row.length = 0;
    for (let i = 0; i < K; i++) {
      const y = r.chosen[x * K + i];
      if (y >= 0) row.push(y);
    }
    row.sort((a, b) => a - b);
    for (const y of row) cols.push(y);
    indptr[x + 1] = cols.length;
  }
  const assignment = assignmentOf(nRows, nCols, indptr, Int32Array.from(cols));
  const { userLoad, itemExposure } = assignmentCounts(assignment);
  const res = hardResiduals(assignment, s, userLoad, itemExposure);
  const v = new Float64Array(nCols);
  for (let y = 0; y < nCols; y++) v[y] = r.w[y] === 0 ? 0 : -r.w[y];
  return solutionOf('offline', s, data, assignment, { u: r.u, v, eps: 0 }, { user: [res.user], item: [res.item] }, r.raises + r.lowers, secondsSince(t0));
}
